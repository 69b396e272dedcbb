package io.flatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSeverity;
import io.flatline.schemas.AlertSource;
import io.flatline.schemas.Diagnosis;
import io.flatline.streams.alarm.Activity;
import io.flatline.streams.alarm.AlarmSettings;
import io.flatline.streams.alarm.DeviceAlarms;
import io.flatline.streams.diagnose.Verdict;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** A restarted instance reads its devices' open alarms back from the alarms store's changelog as they were. */
class AlarmStoreSerdeTest {

    @Test
    void openAlarmsWithTheirEpisodesAndComebacksRoundTrip() {
        AlarmSettings settings = new AlarmSettings(3, Duration.ofSeconds(5));
        Activity stuck = new Activity(AlertSeverity.SUSPECT, 10, 60, 12, new byte[] {1, -2, 3},
                () -> new Verdict(Diagnosis.BOARD_RUNTIME, "evidence, with \"quotes\" and ünïcode"));
        DeviceAlarms alarms = DeviceAlarms.NONE;
        alarms = alarms.observe("d@1/ x", AlertSource.BOARD, AlertKind.STUCK_OUTPUT, stuck, 70, 7000, settings).next();
        alarms = alarms.observe("d@1/ x", AlertSource.BOARD, AlertKind.BOARD_DIVERGENCE, stuck, 71, 7100, settings)
                .next();
        alarms = alarms.observe("d@1/ x", AlertSource.BOARD, AlertKind.STUCK_OUTPUT, Activity.NONE, 72, 7200, settings)
                .next();
        alarms = alarms.observe("d@1/ x", AlertSource.BOARD, AlertKind.BOARD_DIVERGENCE, Activity.NONE, 72, 7200,
                settings).next();
        alarms = alarms.observe("d@1/ x", AlertSource.BOARD, AlertKind.STUCK_OUTPUT, stuck, 73, 7300, settings).next();

        Serde<DeviceAlarms> serde = JsonSerde.of(DeviceAlarms.class);
        DeviceAlarms back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", alarms));

        assertThat(back).usingRecursiveComparison().isEqualTo(alarms);
        assertThat(back.episodes()).isEqualTo(alarms.episodes());
        assertThat(back.comebacks()).containsEntry("d@1/ x#70", 1);
    }
}

package io.flatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Prediction;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record that fails half way through the monitor has none of the monitor's effects: no output, no store change.
 * It goes to the dead-letter topic with the reason, is counted, and the device goes on from the state before it.
 */
class MonitorFailureTopologyTest {

    @TempDir
    Path stateDir;

    private TopologyRig rig;

    @AfterEach
    void close() {
        rig.close();
    }

    /**
     * The frozen model's stuck run raises its alarm at window 50, the window that also starts the health's next
     * heartbeat period: the monitor has already built and held the new health when the alarm's evidence fails.
     */
    @Test
    void aRecordThatFailsAfterAStateChangeHasNoneOfItsEffectsAndGoesToTheDeadLetterTopic() {
        rig = new TopologyRig(stateDir, true);
        rig.model.failEvidenceOnce();
        for (long seq = 43; seq <= 49; seq++) {
            rig.reading("d1", seq, seq * 3 % 11, seq * 5 % 7);
        }
        assertThat(rig.health()).extracting(DeviceHealth::getLastSeq).containsExactly(46L);

        rig.reading("d1", 50, 50 * 3 % 11, 50 * 5 % 7);

        assertThat(rig.predictions()).extracting(Prediction::getWindowEndSeq)
                .as("the reference's own part of the reading is certain before the monitor sees it")
                .contains(50L);
        assertThat(rig.outputs()).as("nothing of the monitor's for window 50").isEmpty();
        DeviceHealth stored = rig.<DeviceHealth>store(StoreNames.HEALTH).get("d1");
        assertThat(stored.getLastSeq()).isEqualTo(46L);
        assertThat(rig.store(StoreNames.ALARMS).get("d1")).isNull();
        assertThat(rig.counters.snapshot()).containsEntry("records_failed", 1L).containsEntry("alerts", 0L);
        List<Headers> dead = rig.deadLetters();
        assertThat(dead).singleElement().satisfies(h -> {
            assertThat(header(h, "__streams.errors.exception")).isEqualTo(IllegalStateException.class.getName());
            assertThat(header(h, "__streams.errors.message")).isEqualTo("the evidence could not be gathered");
        });

        // The next window goes on from the state before window 50: its health is the new heartbeat's, and the
        // alarm is raised, once, with its evidence.
        rig.reading("d1", 51, 51 * 3 % 11, 51 * 5 % 7);
        assertThat(rig.alerts()).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo(AlertKind.STUCK_OUTPUT);
            assertThat(a.getState()).isEqualTo(AlertState.RAISED);
            assertThat(a.getEvidence()).contains("every layer constant");
        });
        assertThat(rig.health()).extracting(DeviceHealth::getLastSeq).containsOnly(51L);
        assertThat(rig.counters.snapshot()).containsEntry("alerts", 1L);
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}

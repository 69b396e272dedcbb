package io.flatline.deploy.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.flatline.broker.KafkaCluster;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays of a recorded fleet (twelve boards over three partitions, healthy and faulty, their readings and reports
 * as ingest publishes them) reproduce what the live application wrote, every one of them, value for value:
 * predictions, board comparisons, alerts and device health, while the live application keeps running.
 */
@ExtendWith(KafkaClusterExtension.class)
class ReplayRepeatTest {

    @TempDir
    Path dir;

    @Test
    void repeatedReplaysReproduceTheLiveResults(KafkaCluster kafka) throws Exception {
        try (ReplayFleet fleet = ReplayFleet.start(kafka, dir, 12, 120)) {
            // From the start, and from the middle of every device's history: window 70 needs readings 21 to 70,
            // and the boards' faults begin at window 80, so the alarms' state must carry over from before --from.
            List<Instant> froms = List.of(Instant.EPOCH, ReplayFleet.START.plusMillis(70_500),
                    Instant.EPOCH, ReplayFleet.START.plusMillis(90_500));
            for (int i = 0; i < froms.size(); i++) {
                Instant from = froms.get(i);
                Replay.Result result = Replay.run(fleet.request("r" + i, from, Optional.empty()), p -> { });
                assertThat(fleet.differences(fleet.outputs(result.outputs()), from))
                        .as("replay %d from %s", i, from).isEmpty();
                assertThat(result.notes()).isEmpty();
            }
            // --model with a copy of the live model, and --to: the same results, up to --to.
            Path copy = java.nio.file.Files.copy(fleet.modelFile(), dir.resolve("copy.tflite"));
            Instant to = ReplayFleet.START.plusMillis(100_500);
            Replay.Result bounded = Replay.run(fleet.request("model", ReplayFleet.START.plusMillis(60_500),
                    Optional.of(to), Optional.of(copy)), p -> { });
            assertThat(fleet.differences(fleet.outputs(bounded.outputs()), ReplayFleet.START.plusMillis(60_500), to))
                    .isEmpty();
            assertThat(fleet.liveApplication().streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }
}

package io.flatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.flatline.schemas.AlertKind;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Prediction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device's life in the processors' memory and stores: a device that goes quiet leaves the heap and comes back
 * from the stores exactly as it was, and a retired device leaves the stores too.
 */
class DeviceLifecycleTopologyTest {

    private static final byte[] STUCK_OUTPUT = {127, 0};

    @TempDir
    Path stateDirs;

    /**
     * A device whose board reports (so its state is in every store) goes quiet for longer than the idle time while
     * another goes on, then comes back: every output is what a run that never let go of it writes.
     */
    @Test
    void aDeviceLetGoOfWhileIdleComesBackFromTheStoresWithTheSameResults() {
        List<String> kept;
        try (TopologyRig never = new TopologyRig(stateDirs.resolve("never"), false, Duration.ofDays(1))) {
            kept = quietThenBack(never);
            assertThat(never.counters.snapshot()).containsEntry("devices_evicted_idle", 0L);
        }
        try (TopologyRig evicting = new TopologyRig(stateDirs.resolve("evicting"), false, Duration.ofSeconds(10))) {
            List<String> evicted = quietThenBack(evicting);
            assertThat(evicting.counters.snapshot()).containsEntry("devices_evicted_idle", 1L);
            assertThat(evicted).containsExactlyElementsOf(kept);
        }
        // After it came back: its predictions, its board's comparisons (the last three wait for the windows that
        // could still match them), and its health with the alarms that stayed open.
        assertThat(kept).filteredOn(o -> o.startsWith("quiet "))
                .anyMatch(o -> o.contains("\"windowEndSeq\": 79, \"timestamp\""))
                .anyMatch(o -> o.contains("\"windowEndSeq\": 76, \"inputMatch\""))
                .anyMatch(o -> o.contains("\"lastSeq\": 50, ") && o.contains("\"comparedWindows\": 43, ")
                        && o.contains("\"openAlerts\": [\"BOARD_DIVERGENCE"));
    }

    /**
     * Seqs 1-49 of both devices, then 170 s of the busy one only, then seqs 50-79 of both: every output. The quiet
     * device comes back on the window that starts its health's next heartbeat, so its first record publishes its
     * health, with the agreement of the comparisons it made before it went quiet.
     */
    private static List<String> quietThenBack(TopologyRig rig) {
        for (long seq = 1; seq < 50; seq++) {
            both(rig, seq, seq, Instant.ofEpochSecond(seq));
        }
        for (long seq = 50; seq < 220; seq++) {
            rig.reading("busy", seq, seq % 7, seq % 5);
        }
        for (long seq = 50; seq < 80; seq++) {
            both(rig, seq, 170 + seq, Instant.ofEpochSecond(170 + seq));
        }
        return rig.outputs();
    }

    /** The quiet device's reading and its stuck board's report of the window, and the busy device's reading. */
    private static void both(TopologyRig rig, long quietSeq, long busySeq, Instant at) {
        rig.readingAt("quiet", quietSeq, quietSeq % 11, quietSeq % 3, at);
        rig.board("quiet", quietSeq, 0, STUCK_OUTPUT, at);
        rig.readingAt("busy", busySeq, busySeq % 7, busySeq % 5, at);
    }

    /**
     * A tombstone for a device in the readings topic deletes its key in every store, and no other device's; a later
     * reading starts it afresh (seq 1 again is a new window, not an old seq).
     */
    @Test
    void aTombstoneRetiresTheDeviceFromEveryStoreAndALaterReadingStartsItAfresh() {
        try (TopologyRig rig = new TopologyRig(stateDirs, false)) {
            for (long seq = 1; seq <= 30; seq++) {
                both(rig, seq, seq, Instant.ofEpochSecond(seq));
            }
            assertThat(rig.alerts()).filteredOn(a -> a.getDeviceId().equals("quiet"))
                    .extracting(a -> a.getKind()).contains(AlertKind.INPUT_MISMATCH);
            assertThat(rig.storedKeys()).contains("windows/quiet", "window-chunks/"
                    + ReferenceWindows.chunkKey("quiet", 0), "boards/quiet", "alarms/quiet", "health/quiet");
            List<String> busy = rig.storedKeys().stream().filter(k -> k.contains("busy")).toList();
            assertThat(busy).isNotEmpty();

            rig.retire("quiet", Instant.ofEpochSecond(31));

            assertThat(rig.storedKeys()).noneMatch(k -> k.contains("quiet")).containsExactlyInAnyOrderElementsOf(busy);
            assertThat(rig.counters.snapshot()).containsEntry("devices_retired", 1L);
            rig.predictions();
            rig.health();

            for (long seq = 1; seq <= TopologyRig.SIZE; seq++) {
                rig.readingAt("quiet", seq, seq, seq, Instant.ofEpochSecond(31 + seq));
            }
            assertThat(rig.predictions()).extracting(Prediction::getWindowEndSeq).containsExactly((long) TopologyRig.SIZE);
            assertThat(rig.health()).singleElement().satisfies(h -> {
                assertThat(h.getLastSeq()).isEqualTo(TopologyRig.SIZE);
                assertThat(h.getOpenAlerts()).isEmpty();
                assertThat(h.getComparedWindows()).isZero();
            });
            assertThat(rig.<DeviceHealth>store(StoreNames.HEALTH).get("quiet").getLastSeq())
                    .isEqualTo(TopologyRig.SIZE);
        }
    }
}

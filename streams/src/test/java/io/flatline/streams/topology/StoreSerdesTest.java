package io.flatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;

import io.flatline.streams.compare.BoardMonitor.Reference;
import io.flatline.streams.detect.RecentOutputs;
import io.flatline.streams.detect.RunDetector.RunState;
import io.flatline.streams.window.WindowPolicy;
import io.flatline.streams.window.WindowState;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class StoreSerdesTest {

    @Test
    void referenceChunksRoundTrip() {
        var serde = StoreSerdes.referenceChunk();
        List<Reference> chunk = List.of(new Reference(123_456_789L, 0xFFFF_FFFFL, new byte[] {-128, 0, 127, 5, -5}),
                new Reference(123_456_790L, 7, new byte[] {1, 2, 3, 4, 5}));
        List<Reference> back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", chunk));
        assertThat(back).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(back.get(i).seq()).isEqualTo(chunk.get(i).seq());
            assertThat(back.get(i).crc()).isEqualTo(chunk.get(i).crc());
            assertThat(back.get(i).netOut()).containsExactly(chunk.get(i).netOut());
        }
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", List.of()))).isEmpty();
    }

    private static RunState run() {
        RecentOutputs recent = RecentOutputs.empty(4, 3);
        for (int i = 0; i < 6; i++) {
            recent = recent.add(new byte[] {1, 2, (byte) (i % 2)}, i % 3 != 0, 1);
        }
        return new RunState(new byte[] {1, 2, 3}, 10, 40, 31, 17, Long.MIN_VALUE, 39, 2, recent);
    }

    @Test
    void referenceStatesRoundTripWithWindowAndRun() {
        var serde = StoreSerdes.referenceState();
        WindowState window = WindowState.empty(3, 2);
        for (int seq = 1; seq <= 4; seq++) {
            window = window.accept(seq, 1000L * seq, new byte[] {(byte) seq, (byte) -seq}, new WindowPolicy(3, 1,
                    WindowPolicy.GapPolicy.RESET, WindowPolicy.BadQualityPolicy.SKIP)).state();
        }
        ReferenceState state = new ReferenceState(window, run(), new float[] {1.5f, -2f}, 7, "model-b", "model-b", 412);
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", state))).isEqualTo(state);
        ReferenceState fresh = ReferenceState.empty(50, 10, null);
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", fresh))).isEqualTo(fresh);
    }

    /**
     * A restarted instance restores its windows from the changelog an older version wrote: a version-1 value (whose
     * run had no flatline window and which held the open alarms' verdicts) keeps its window, and the detector
     * starts afresh.
     */
    @Test
    void readsTheVersion1LayoutTheChangelogsMayStillHold() {
        ReferenceState back = StoreSerdes.referenceState().deserializer().deserialize("t",
                HexFormat.of().parseHex(LAYOUT_V1));
        assertThat(back.run()).isNull();
        assertThat(back.window().lastSeq()).isEqualTo(7);
        assertThat(back.window().lastTimestamp()).isEqualTo(1000);
    }

    /** The bytes of version 1 of the layout, field by field, as the windows store held them from 8fe3a33 on. */
    private static final String LAYOUT_V1 = "01" + "0000002d"
            // the window: version, size, channels, head, count, appended, last seq, last timestamp, ring
            + "01" + "00000002" + "00000002" + "00000001" + "00000001" + "0000000000000001" + "0000000000000007"
            + "00000000000003e8" + "01ff0000"
            // the run: present, net_out, first and last seq, length, distinct inputs, last input, stale first
            // seq, stale run, stuck open, stale open
            + "01" + "0001" + "05" + "0000000000000003" + "0000000000000007" + "00000005" + "00000002"
            + "0000000000000009" + "ffffffffffffffff" + "00000000" + "01" + "00"
            // one open verdict: kind, diagnosis, evidence
            + "00000001" + "000c" + "535455434b5f4f5554505554" + "000d" + "424f4152445f52554e54494d45" + "0001" + "65";

    @Test
    void writesVersion3() {
        ReferenceState state = new ReferenceState(WindowState.empty(2, 2), run(), new float[0], 0, "model-a", null, -1);
        assertThat(StoreSerdes.referenceState().serializer().serialize("t", state)[0]).isEqualTo((byte) 3);
    }

    /**
     * Version 2 ends where version 3 starts naming models (two absent names and a seq, 10 bytes): its window and
     * run are kept, and its model is the device's configured one (null here).
     */
    @Test
    void readsTheVersion2LayoutWithoutModels() {
        ReferenceState state = new ReferenceState(WindowState.empty(2, 2), run(), new float[] {3f}, 4, null, null, -1);
        byte[] v3 = StoreSerdes.referenceState().serializer().serialize("t", state);
        byte[] v2 = java.util.Arrays.copyOf(v3, v3.length - 10);
        v2[0] = 2;
        assertThat(StoreSerdes.referenceState().deserializer().deserialize("t", v2)).isEqualTo(state);
    }

    /**
     * Before 8fe3a33 the windows store held a bare window state, which starts with the same version byte: such
     * a value is refused with a clear error, never read as something else.
     */
    @Test
    void refusesABareWindowStateAsTheWindowsStoreHeldItBefore() throws IOException {
        for (WindowState window : List.of(WindowState.empty(2, 2), WindowState.empty(50, 10))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            window.writeTo(new DataOutputStream(bytes));

            assertThatThrownBy(() -> StoreSerdes.referenceState().deserializer().deserialize("t", bytes.toByteArray()))
                    .isInstanceOf(SerializationException.class).hasMessageContaining("window state");
        }
    }

    @Test
    void refusesBytesOfAnotherLayout() {
        assertThatThrownBy(() -> StoreSerdes.referenceChunk().deserializer().deserialize("t", new byte[] {9, 1, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Not a version 1-3 reference chunk");
    }
}

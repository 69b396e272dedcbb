package io.flatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;

import io.flatline.schemas.AlertKind;
import io.flatline.schemas.Diagnosis;
import io.flatline.streams.compare.BoardMonitor.OpenAlert;
import io.flatline.streams.compare.BoardMonitor.Reference;
import io.flatline.streams.detect.RunDetector.RunState;
import io.flatline.streams.diagnose.Verdict;
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

    @Test
    void referenceStatesRoundTripWithWindowRunAndOpenVerdicts() {
        var serde = StoreSerdes.referenceState();
        WindowState window = WindowState.empty(3, 2);
        for (int seq = 1; seq <= 4; seq++) {
            window = window.accept(seq, 1000L * seq, new byte[] {(byte) seq, (byte) -seq}, new WindowPolicy(3, 1,
                    WindowPolicy.GapPolicy.RESET, WindowPolicy.BadQualityPolicy.SKIP)).state();
        }
        ReferenceState state = new ReferenceState(window, new RunState(new byte[] {1, 2, 3}, 10, 40, 31, 17,
                Long.MIN_VALUE, 39, 2, true, false), List.of(new OpenAlert(AlertKind.STUCK_OUTPUT,
                new Verdict(Diagnosis.MODEL_SATURATION, "dies at MEAN; input uses 3 of 256 levels"))));
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", state))).isEqualTo(state);
        ReferenceState fresh = ReferenceState.empty(50, 10);
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", fresh))).isEqualTo(fresh);
    }

    /**
     * A restarted instance restores its windows from the changelog an older version wrote: the layout is pinned
     * here, byte for byte, and changes only with a new version byte and a reader for the old one.
     */
    @Test
    void writesReferenceStatesInTheLayoutTheChangelogsAlreadyHold() {
        WindowState window = WindowState.empty(2, 2).accept(7, 1000, new byte[] {1, -1}, new WindowPolicy(2, 1,
                WindowPolicy.GapPolicy.RESET, WindowPolicy.BadQualityPolicy.SKIP)).state();
        ReferenceState state = new ReferenceState(window, new RunState(new byte[] {5}, 3, 7, 5, 2, 9, -1, 0, true,
                false), List.of(new OpenAlert(AlertKind.STUCK_OUTPUT, new Verdict(Diagnosis.BOARD_RUNTIME, "e"))));

        byte[] bytes = StoreSerdes.referenceState().serializer().serialize("t", state);

        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(LAYOUT_V1);
    }

    /** The bytes of version 1 of the layout, field by field, as the windows store has held them since 8fe3a33. */
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
                .isInstanceOf(SerializationException.class).hasMessageContaining("Not a version-1 reference chunk");
    }
}

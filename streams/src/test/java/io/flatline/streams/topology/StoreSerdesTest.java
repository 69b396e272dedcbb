package io.flatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void referenceWindowsRoundTrip() {
        var serde = StoreSerdes.reference();
        Reference r = new Reference(123_456_789L, 0xFFFF_FFFFL, new byte[] {-128, 0, 127, 5, -5});
        Reference back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", r));
        assertThat(back.seq()).isEqualTo(r.seq());
        assertThat(back.crc()).isEqualTo(r.crc());
        assertThat(back.netOut()).containsExactly(r.netOut());
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

    @Test
    void refusesBytesOfAnotherLayout() {
        assertThatThrownBy(() -> StoreSerdes.reference().deserializer().deserialize("t", new byte[] {9, 1, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Not a version-1 reference window");
    }
}

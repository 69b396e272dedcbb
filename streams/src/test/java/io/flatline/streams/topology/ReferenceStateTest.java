package io.flatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.flatline.streams.window.WindowState;
import org.junit.jupiter.api.Test;

class ReferenceStateTest {

    @Test
    void countsTheReadingsInARowWithExactlyTheSameRawValues() {
        WindowState window = WindowState.empty(3, 2);
        ReferenceState s = ReferenceState.empty(3, 2, "m").withReading(window, List.of(1f, 2f));
        assertThat(s.steadyReadings()).isEqualTo(1);
        s = s.withReading(window, List.of(1f, 2f)).withReading(window, List.of(1f, 2f));
        assertThat(s.steadyReadings()).isEqualTo(3);
        s = s.withReading(window, List.of(1f, 2.0001f));
        assertThat(s.steadyReadings()).isEqualTo(1);
        assertThat(s.lastValues()).containsExactly(1f, 2.0001f);
    }

    @Test
    void aNaNEqualsItselfSoAFrozenNaNIsSteadyToo() {
        WindowState window = WindowState.empty(3, 1);
        ReferenceState s = ReferenceState.empty(3, 1, "m").withReading(window, List.of(Float.NaN))
                .withReading(window, List.of(Float.NaN));
        assertThat(s.steadyReadings()).isEqualTo(2);
    }
}

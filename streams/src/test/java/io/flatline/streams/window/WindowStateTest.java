package io.flatline.streams.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import io.flatline.streams.window.WindowPolicy.BadQualityPolicy;
import io.flatline.streams.window.WindowPolicy.GapPolicy;
import io.flatline.streams.window.WindowState.Outcome;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WindowStateTest {

    private static final WindowPolicy STRIDE_1 = new WindowPolicy(3, 1, GapPolicy.RESET, BadQualityPolicy.SKIP);

    private static byte[] row(int v) {
        return new byte[] {(byte) v, (byte) (v + 100)};
    }

    @Test
    void aPredictionIsDueOnceTheWindowIsFullThenEveryStride() {
        WindowPolicy stride2 = new WindowPolicy(3, 2, GapPolicy.RESET, BadQualityPolicy.SKIP);
        WindowState s = WindowState.empty(3, 2);
        StringBuilder due = new StringBuilder();
        for (int seq = 1; seq <= 9; seq++) {
            var step = s.accept(seq, seq * 10L, row(seq), stride2);
            s = step.state();
            due.append(step.predictionDue() ? 'P' : '.');
        }
        assertThat(due).hasToString("..P.P.P.P");
    }

    @Test
    void theWindowIsOldestFirstTimeMajor() {
        WindowState s = WindowState.empty(3, 2);
        for (int seq = 1; seq <= 5; seq++) {
            s = s.accept(seq, 0, row(seq), STRIDE_1).state();
        }
        assertThat(s.window()).containsExactly(3, 103, 4, 104, 5, 105);
        assertThat(s.lastSeq()).isEqualTo(5);
    }

    @Test
    void dropsDuplicatesAndOldReadingsWithoutChangingAnything() {
        WindowState s = WindowState.empty(3, 2);
        s = s.accept(7, 0, row(7), STRIDE_1).state();
        var dup = s.accept(7, 0, row(9), STRIDE_1);
        var old = s.accept(6, 0, row(9), STRIDE_1);
        assertThat(dup.outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(dup.state()).isEqualTo(s);
        assertThat(old.outcome()).isEqualTo(Outcome.OUT_OF_ORDER);
        assertThat(old.state()).isEqualTo(s);
    }

    @Test
    void aGapResetsTheWindowByDefault() {
        WindowState s = WindowState.empty(3, 2);
        for (int seq = 1; seq <= 3; seq++) {
            s = s.accept(seq, 0, row(seq), STRIDE_1).state();
        }
        var step = s.accept(5, 0, row(5), STRIDE_1);
        assertThat(step.outcome()).isEqualTo(Outcome.APPENDED_AFTER_GAP);
        assertThat(step.predictionDue()).isFalse();
        assertThat(step.state().window()).containsExactly(5, 105);
    }

    @Test
    void aGapCanBeIgnored() {
        WindowPolicy ignore = new WindowPolicy(3, 1, GapPolicy.IGNORE, BadQualityPolicy.SKIP);
        WindowState s = WindowState.empty(3, 2);
        for (int seq = 1; seq <= 3; seq++) {
            s = s.accept(seq, 0, row(seq), ignore).state();
        }
        var step = s.accept(5, 0, row(5), ignore);
        assertThat(step.predictionDue()).isTrue();
        assertThat(step.state().window()).containsExactly(2, 102, 3, 103, 5, 105);
    }

    @Test
    void theWindowIsTheLastReadingsOldestFirstAtEveryFillAndWrap() {
        for (int size = 1; size <= 5; size++) {
            WindowPolicy policy = new WindowPolicy(size, 1, GapPolicy.RESET, BadQualityPolicy.SKIP);
            WindowState s = WindowState.empty(size, 2);
            for (int seq = 1; seq <= 3 * size + 1; seq++) {
                s = s.accept(seq, seq, row(seq), policy).state();
                byte[] expected = new byte[Math.min(seq, size) * 2];
                for (int i = 0; i < expected.length / 2; i++) {
                    System.arraycopy(row(seq - expected.length / 2 + 1 + i), 0, expected, 2 * i, 2);
                }
                assertThat(s.window()).as("size %d after %d readings", size, seq).containsExactly(expected);
            }
        }
    }

    @Test
    void survivesItsBinaryForm() throws IOException {
        WindowState s = WindowState.empty(3, 2);
        for (int seq = 1; seq <= 4; seq++) {
            s = s.accept(seq, seq, row(seq), STRIDE_1).state();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        s.writeTo(new DataOutputStream(bytes));
        assertThat(bytes.size()).isEqualTo(s.binarySize());

        WindowState read = WindowState.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
                bytes.size());

        assertThat(read).isEqualTo(s);
    }

    @Test
    void refusesABinaryFormWhoseRingDoesNotFitItsShape() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WindowState.empty(3, 2).writeTo(new DataOutputStream(bytes));
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));

        assertThatThrownBy(() -> WindowState.readFrom(in, bytes.size() + 1))
                .isInstanceOf(SerializationException.class).hasMessageContaining("3x2 holds 7 bytes of rows");
    }

    @Test
    void readsTheRingThatEarlierVersionsWroteWithItsOldestRowAnywhere() throws IOException {
        // Before WindowState kept its rows oldest first, a full window's ring had its oldest row at its head: here the
        // window 3, 4, 5 of size 3, written after five readings, so the head is at row 2.
        byte[] ring = new byte[6];
        System.arraycopy(row(4), 0, ring, 0, 2);
        System.arraycopy(row(5), 0, ring, 2, 2);
        System.arraycopy(row(3), 0, ring, 4, 2);
        byte[] bytes = ringOfThreeRowsOfTwo(2, 3, ring);

        WindowState read = WindowState.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)), bytes.length);

        WindowState same = WindowState.empty(3, 2);
        for (int seq = 1; seq <= 5; seq++) {
            same = same.accept(seq, seq * 1000L, row(seq), STRIDE_1).state();
        }
        assertThat(read).isEqualTo(same);
        assertThat(read.window()).containsExactly(3, 103, 4, 104, 5, 105);
        assertThat(read.accept(6, 6000, row(6), STRIDE_1).state().window()).containsExactly(4, 104, 5, 105, 6, 106);
    }

    @Test
    void refusesARingWhoseCountOrHeadIsOutsideIt() throws IOException {
        byte[] bytes = ringOfThreeRowsOfTwo(3, 3, new byte[6]);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));

        assertThatThrownBy(() -> WindowState.readFrom(in, bytes.length))
                .isInstanceOf(SerializationException.class).hasMessageContaining("holds 3 with its head at 3");
    }

    /** A window state in its binary form, written field by field: 3 rows of 2 channels after 5 readings. */
    private static byte[] ringOfThreeRowsOfTwo(int head, int count, byte[] ring) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1);
        out.writeInt(3);
        out.writeInt(2);
        out.writeInt(head);
        out.writeInt(count);
        out.writeLong(5);
        out.writeLong(5);
        out.writeLong(5000);
        out.write(ring);
        return bytes.toByteArray();
    }
}

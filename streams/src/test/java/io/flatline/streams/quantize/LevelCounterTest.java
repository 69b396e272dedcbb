package io.flatline.streams.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class LevelCounterTest {

    private static final int ROWS = 50;
    private static final int CHANNELS = 10;

    @Test
    void countsEveryWindowOfALongStreamAsTheFullCountDoes() {
        Random random = new Random(7);
        LevelCounter counter = new LevelCounter(CHANNELS);
        byte[] window = randomRows(random, ROWS);
        for (int step = 0; step < 20_000; step++) {
            int stride = 1 + random.nextInt(3);
            int told = stride;
            byte[] next;
            switch (random.nextInt(20)) {
                // a window that does not follow on, announced as one that does: a gap reset, or a moved task
                case 0 -> next = randomRows(random, ROWS);
                // the caller does not know: a full count
                case 1 -> {
                    next = slide(window, randomRows(random, stride));
                    told = -1;
                }
                default -> next = slide(window, randomRows(random, stride));
            }
            int expected = InputQuantizer.distinctLevels(next);
            assertThat(counter.levels(next, told)).as("step %d", step).isEqualTo(expected);
            window = next;
        }
    }

    @Test
    void countsFewLevelsAsTheyComeAndGo() {
        LevelCounter counter = new LevelCounter(2);
        byte[] first = {1, 1, 2, 2, 3, 3};
        assertThat(counter.levels(first, -1)).isEqualTo(3);
        byte[] second = {2, 2, 3, 3, 3, 3};
        assertThat(counter.levels(second, 1)).isEqualTo(2);
        byte[] third = {3, 3, 3, 3, -128, 127};
        assertThat(counter.levels(third, 1)).isEqualTo(3);
    }

    @Test
    void refusesRowsOfNoBytes() {
        assertThatThrownBy(() -> new LevelCounter(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] slide(byte[] window, byte[] newRows) {
        byte[] next = Arrays.copyOfRange(window, newRows.length, window.length + newRows.length);
        System.arraycopy(newRows, 0, next, window.length - newRows.length, newRows.length);
        return next;
    }

    /** Values from a narrow band, so levels enter and leave the window often. */
    private static byte[] randomRows(Random random, int rows) {
        byte[] bytes = new byte[rows * CHANNELS];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (random.nextInt(60) - 30);
        }
        return bytes;
    }
}

package io.flatline.streams.quantize;

import java.util.Arrays;

/**
 * How many distinct int8 levels one device's window uses, kept up to date as the window slides: when a window
 * is the previous one moved on by whole rows (checked, not trusted), only the rows that left and the rows that
 * came in are counted; any other window is counted in full. Always equal to
 * {@link InputQuantizer#distinctLevels}; counting 20 bytes instead of 500 matters on a path taken once per
 * reading.
 */
public final class LevelCounter {

    private final int rowBytes;
    private final int[] counts = new int[256];
    private byte[] counted;
    private int levels;

    /** @param rowBytes bytes of one row of the window: the model's channels */
    public LevelCounter(int rowBytes) {
        if (rowBytes < 1) {
            throw new IllegalArgumentException("A row has at least one byte, got " + rowBytes);
        }
        this.rowBytes = rowBytes;
    }

    /**
     * The distinct levels of {@code window}, which the counter keeps a reference to until the next call: the
     * caller must not change it. {@code newRows} says by how many rows it slid since the last call, as far as
     * the caller knows; any value is safe.
     */
    public int levels(byte[] window, int newRows) {
        int shift = newRows * rowBytes;
        if (counted != null && counted.length == window.length && newRows > 0 && shift < window.length
                && Arrays.equals(counted, shift, counted.length, window, 0, window.length - shift)) {
            for (int i = 0; i < shift; i++) {
                levels -= --counts[counted[i] & 0xFF] == 0 ? 1 : 0;
                levels += counts[window[window.length - shift + i] & 0xFF]++ == 0 ? 1 : 0;
            }
        } else {
            Arrays.fill(counts, 0);
            levels = 0;
            for (byte b : window) {
                levels += counts[b & 0xFF]++ == 0 ? 1 : 0;
            }
        }
        counted = window;
        return levels;
    }
}

package io.flatline.streams.quantize;

import java.util.List;
import java.util.zip.CRC32;

/**
 * Turns one reading's engineering values into the model's int8 input row, as the boards do: normalise, then
 * {@code q = clamp(round(x / scale) + zeroPoint, -128, 127)} with round half away from zero (C's
 * {@code roundf}), all in float32. Each reading quantizes on its own, so a window is just its readings' rows
 * side by side, time-major ({@code t * channels + c}).
 */
public final class InputQuantizer {

    private final Normalization normalization;
    private final float scale;
    private final int zeroPoint;

    public InputQuantizer(Normalization normalization, float scale, int zeroPoint) {
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("The input scale must be a positive number, got " + scale);
        }
        this.normalization = normalization;
        this.scale = scale;
        this.zeroPoint = zeroPoint;
    }

    /** Writes the int8 row of one reading into {@code out} at {@code offset}. */
    public void quantizeRow(List<Float> values, byte[] out, int offset) {
        for (int c = 0; c < values.size(); c++) {
            out[offset + c] = quantize(normalization.apply(c, values.get(c)), scale, zeroPoint);
        }
    }

    public byte[] quantizeRow(List<Float> values) {
        byte[] row = new byte[values.size()];
        quantizeRow(values, row, 0);
        return row;
    }

    /**
     * One value: a NaN (a sensor that reported no number) becomes the zero point, the int8 value of 0.0;
     * values far outside the int8 range clamp before any integer overflow can happen.
     */
    public static byte quantize(float value, float scale, int zeroPoint) {
        float scaled = value / scale;
        if (Float.isNaN(scaled)) {
            return (byte) clamp(zeroPoint);
        }
        if (scaled > 1024f) {
            return 127;
        }
        if (scaled < -1024f) {
            return -128;
        }
        return (byte) clamp(roundHalfAwayFromZero(scaled) + zeroPoint);
    }

    /** C's {@code roundf}: halves go away from zero, and no float addition can carry a value across a half. */
    public static int roundHalfAwayFromZero(float value) {
        float magnitude = Math.abs(value);
        float whole = (float) Math.floor(magnitude);
        int rounded = (int) whole + (magnitude - whole >= 0.5f ? 1 : 0);
        return value < 0 ? -rounded : rounded;
    }

    private static int clamp(int q) {
        return Math.max(-128, Math.min(127, q));
    }

    /** CRC-32/IEEE of an int8 window, as {@link CRC32} computes it and as the boards report it. */
    public static long crc32(byte[] window) {
        CRC32 crc = new CRC32();
        crc.update(window);
        return crc.getValue();
    }

    /** How many distinct int8 levels a window uses: few levels are the first sign of an input that collapsed. */
    public static int distinctLevels(byte[] window) {
        // Marks in a table, then counts: the stores do not depend on each other, where a bitset's OR into one
        // of four words chained every byte to the one before (measured 4-5x slower on a 50x10 window).
        byte[] seen = new byte[256];
        for (byte b : window) {
            seen[b & 0xFF] = 1;
        }
        int levels = 0;
        for (byte s : seen) {
            levels += s;
        }
        return levels;
    }
}

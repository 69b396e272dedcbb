package io.flatline.model.trace;

import java.util.Locale;

/**
 * How much of its range a tensor uses: the evidence for saturation. For int8 tensors, "zero" is the
 * zero point (real value 0, what ReLU produces) and the limits are levels -128 and 127; min and max
 * are levels. For float tensors they are values, and the limits are never reached.
 */
public record TensorStats(int elements, int distinctLevels, double fractionZero, double fractionAtLowerLimit,
        double fractionAtUpperLimit, double min, double max) {

    public static TensorStats ofLevels(byte[] levels, int zeroPoint) {
        boolean[] seen = new boolean[256];
        int distinct = 0;
        int zero = 0;
        int low = 0;
        int high = 0;
        int min = Byte.MAX_VALUE;
        int max = Byte.MIN_VALUE;
        for (byte b : levels) {
            if (!seen[b + 128]) {
                seen[b + 128] = true;
                distinct++;
            }
            zero += b == zeroPoint ? 1 : 0;
            low += b == Byte.MIN_VALUE ? 1 : 0;
            high += b == Byte.MAX_VALUE ? 1 : 0;
            min = Math.min(min, b);
            max = Math.max(max, b);
        }
        double n = Math.max(1, levels.length);
        return new TensorStats(levels.length, distinct, zero / n, low / n, high / n, min, max);
    }

    public static TensorStats ofValues(float[] values) {
        long distinct = java.util.stream.IntStream.range(0, values.length)
                .mapToObj(i -> Float.floatToIntBits(values[i])).distinct().count();
        int zero = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : values) {
            zero += v == 0f ? 1 : 0;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new TensorStats(values.length, (int) distinct, zero / (double) Math.max(1, values.length), 0, 0,
                min, max);
    }

    /** "96% zero, 3 of 256 levels, 0% at -128, 1% at 127, levels -128..-90". */
    public String summary(boolean int8) {
        if (!int8) {
            return String.format(Locale.ROOT, "%.0f%% zero, %d distinct values, range %g..%g", 100 * fractionZero,
                    distinctLevels, min, max);
        }
        return String.format(Locale.ROOT, "%.0f%% zero, %d of 256 levels, %.0f%% at -128, %.0f%% at 127, levels %d..%d",
                100 * fractionZero, distinctLevels, 100 * fractionAtLowerLimit, 100 * fractionAtUpperLimit, (int) min,
                (int) max);
    }
}

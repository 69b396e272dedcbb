package io.flatline.model.arith;

/** Turns an int32 accumulator of output channel {@code c} into a clamped int8 level. */
public sealed interface Requantizer {

    int apply(int acc, int c);

    /**
     * Requantizes {@code n} accumulators of channel {@code c} from {@code acc[from..]} into {@code
     * y[yOffset + i * yStride]}; the same results as {@link #apply}, in a loop the JIT can keep tight.
     */
    default void apply(int[] acc, int from, int n, int c, byte[] y, int yOffset, int yStride) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i * yStride] = (byte) apply(acc[from + i], c);
        }
    }

    /**
     * Requantizes {@code rows} rows of {@code channels} accumulators, {@code acc[r * channels + c]} of
     * channel c, into {@code y} at {@code yOffset} plus the same index: {@link #apply(int[], int, int, int, byte[], int, int)}'s
     * results (the batched formula), one call for a few output positions of every channel.
     */
    default void applyRows(int[] acc, int rows, int channels, byte[] y, int yOffset) {
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < rows; r++) {
                y[yOffset + r * channels + c] = (byte) apply(acc[r * channels + c], c);
            }
        }
    }

    /** XNNPACK's fp32 requantization: float(acc) * scale, round to nearest even, add zero point. */
    record FloatMultiplier(float[] scales, int zeroPoint, int min, int max) implements Requantizer {
        /** 1.5 * 2^23: adding it leaves no fraction bits, so the float adder rounds to nearest even. */
        private static final float MAGIC = 12582912f;

        @Override
        public int apply(int acc, int c) {
            int q = (int) Math.rint((float) acc * scales[c]) + zeroPoint;
            return q < min ? min : Math.min(q, max);
        }

        @Override
        public void apply(int[] acc, int from, int n, int c, byte[] y, int yOffset, int yStride) {
            // XNNPACK's own order: scale, clamp in float (so |v| < 256), round by the magic bias.
            float scale = scales[c];
            float lo = min - zeroPoint;
            float hi = max - zeroPoint;
            for (int i = 0; i < n; i++) {
                float v = Math.min(Math.max((float) acc[from + i] * scale, lo), hi);
                y[yOffset + i * yStride] = (byte) ((int) ((v + MAGIC) - MAGIC) + zeroPoint);
            }
        }

        @Override
        public void applyRows(int[] acc, int rows, int channels, byte[] y, int yOffset) {
            float lo = min - zeroPoint;
            float hi = max - zeroPoint;
            int zp = zeroPoint;
            for (int c = 0; c < channels; c++) {
                float scale = scales[c];
                for (int i = c; i < rows * channels; i += channels) {
                    float v = Math.min(Math.max((float) acc[i] * scale, lo), hi);
                    y[yOffset + i] = (byte) ((int) ((v + MAGIC) - MAGIC) + zp);
                }
            }
        }
    }

    /** The reference kernels' fixed-point multiplier with gemmlowp's double rounding. */
    record FixedPointMultiplier(int[] multipliers, int[] shifts, int zeroPoint, int min, int max)
            implements Requantizer {
        @Override
        public int apply(int acc, int c) {
            int q = FixedPoint.multiplyByQuantizedMultiplier(acc, multipliers[c], shifts[c]) + zeroPoint;
            return q < min ? min : Math.min(q, max);
        }

        /**
         * {@link FixedPoint#multiplyByQuantizedMultiplier} inlined with the channel's shifts and rounding
         * constants hoisted and the sign-dependent roundings made branch-free: the same integers.
         */
        @Override
        public void apply(int[] acc, int from, int n, int c, byte[] y, int yOffset, int yStride) {
            apply(acc, from, n, c, y, yOffset, yStride, 1);
        }

        @Override
        public void applyRows(int[] acc, int rows, int channels, byte[] y, int yOffset) {
            for (int c = 0; c < channels; c++) {
                apply(acc, c, rows, c, y, yOffset + c, channels, channels);
            }
        }

        /** The batched loop, reading the accumulators at a stride. */
        private void apply(int[] acc, int from, int n, int c, byte[] y, int yOffset, int yStride, int stride) {
            int m = multipliers[c];
            int shift = shifts[c];
            if (m == Integer.MIN_VALUE || shift >= 31 || shift <= -31) {
                for (int i = 0; i < n; i++) {
                    y[yOffset + i * yStride] = (byte) apply(acc[from + i * stride], c);
                }
                return;
            }
            int left = shift > 0 ? shift : 0;
            int right = shift > 0 ? 0 : -shift;
            int mask = (int) ((1L << right) - 1);
            int half = mask >> 1;
            int zp = zeroPoint;
            int lo = min;
            int hi = max;
            for (int i = 0; i < n; i++) {
                // saturatingRoundingDoublingHighMul: m is never MIN_VALUE here, so no saturation.
                long ab = (long) (acc[from + i * stride] << left) * m;
                long s = ab + ((1L << 30) + ((ab >> 63) & (1L - (1L << 31))));
                int h = (int) ((s + ((s >> 63) & ((1L << 31) - 1))) >> 31);
                // roundingDivideByPot(h, right)
                int threshold = half + (h >>> 31);
                int q = (h >> right) + (((threshold - (h & mask)) >>> 31)) + zp;
                y[yOffset + i * yStride] = (byte) (q < lo ? lo : Math.min(q, hi));
            }
        }
    }
}

package io.flatline.model.engine;

import io.flatline.model.arith.Requantizer;

/**
 * {@link Requantizer.FixedPointMultiplier}'s per-filter constants laid out for 64-bit vector lanes, shared by
 * the SIMD convolution and the SIMD sliding window: per filter the multiplier, 32 + left shift, the right
 * shift, its mask and half of it.
 */
record FixedPointLanes(long[] multiplier, long[] left, long[] right, long[] mask, long[] half) {

    /**
     * Lanes for {@code size} filters; filters past the given ones repeat them (their outputs are not used).
     * Null when a filter needs the per-value path: multiplier MIN_VALUE or |shift| ≥ 31.
     */
    static FixedPointLanes of(int[] multipliers, int[] shifts, int size) {
        FixedPointLanes lanes = new FixedPointLanes(new long[size], new long[size], new long[size], new long[size],
                new long[size]);
        for (int f = 0; f < size; f++) {
            int multiplier = multipliers[f % multipliers.length];
            int shift = shifts[f % shifts.length];
            if (multiplier == Integer.MIN_VALUE || shift >= 31 || shift <= -31) {
                return null;
            }
            int right = shift > 0 ? 0 : -shift;
            lanes.multiplier[f] = multiplier;
            lanes.left[f] = 32 + (shift > 0 ? shift : 0);
            lanes.right[f] = right;
            lanes.mask[f] = (1L << right) - 1;
            lanes.half[f] = ((1L << right) - 1) >> 1;
        }
        return lanes;
    }
}

package io.flatline.model.engine;

import io.flatline.model.arith.Requantizer;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link Requantizer.FixedPointMultiplier}'s per-filter constants laid out for 64-bit vector lanes, shared by
 * the SIMD convolution and the SIMD sliding window: per filter the multiplier, 32 + left shift, the right
 * shift, its mask and half of it; and the requantization that uses them ({@link #requantize}). Only the
 * vector kernels load this class, so it may name the Vector API.
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

    /**
     * {@link Requantizer.FixedPointMultiplier}'s inlined loop in long lanes, from int32 values {@code x}
     * sign-extended into them: (x << left) as an int32 (shifted by 32 + left, back by 32), times the multiplier;
     * gemmlowp's rounding doubling high multiply and rounding right shift with the same branch-free formulas
     * (the multiplier is never MIN_VALUE here, so nothing saturates); + zero point wrapping like an int32
     * (shifted up and back by 32), as the scalar loop's int addition does; then clamped to [min, max].
     */
    static LongVector requantize(LongVector x, LongVector multiplier, LongVector left, LongVector right,
                                 LongVector mask, LongVector half, int zeroPoint, int min, int max) {
        LongVector ab = x.lanewise(VectorOperators.LSHL, left).lanewise(VectorOperators.ASHR, 32).mul(multiplier);
        LongVector s = ab.add(ab.lanewise(VectorOperators.ASHR, 63).and(1L - (1L << 31)).add(1L << 30));
        LongVector h = s.add(s.lanewise(VectorOperators.ASHR, 63).and((1L << 31) - 1))
                .lanewise(VectorOperators.ASHR, 31);
        LongVector threshold = half.add(h.lanewise(VectorOperators.LSHR, 63));
        return h.lanewise(VectorOperators.ASHR, right)
                .add(threshold.sub(h.and(mask)).lanewise(VectorOperators.LSHR, 63))
                .add(zeroPoint)
                .lanewise(VectorOperators.LSHL, 32)
                .lanewise(VectorOperators.ASHR, 32)
                .max(min)
                .min(max);
    }
}

package io.flatline.model.engine;

import io.flatline.model.arith.Mean;
import io.flatline.model.arith.Requantizer;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SlidingWindow}'s per-slide assembly and float (litert) requantization in explicit SIMD, for
 * models with 8 filters: one 256-bit vector holds a position's 8 accumulators. A position's
 * accumulator vector is its bias plus one partial-sum vector per tap in range (integer sums, any
 * order: the same int32), then {@link Requantizer.FloatMultiplier}'s batched formula lane by lane,
 * as {@link Conv1dVector#requantize} does it: float(acc)·scale, clamp, + 1.5·2^23, the low mantissa
 * bits are the rounded value, + zero point. Loaded only when {@code jdk.incubator.vector} is in the
 * boot layer (see {@link Conv1dKernel#vectorAvailable()}).
 */
final class SlidingVector {
    static final int FILTERS = 8;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;
    private static final float MAGIC = 12582912f;

    private final float[] scales;
    private final float lo;
    private final float hi;
    private final int zeroPoint;
    /**
     * tflm's requantization in long lanes (8 filters in 512 bits), when every filter takes {@link
     * Requantizer.FixedPointMultiplier}'s inlined path and the JVM has 512-bit vectors: per filter the
     * multiplier, 32 + left shift, right shift, its mask and half of it (as in {@link Conv1dVector}).
     * Else null.
     */
    private final FixedPointLanes fixed;
    private final int min;
    private final int max;
    /** tflm's MEAN with the same arithmetic, when its multiplier takes the inlined path; else null. */
    private final Mean.IntegerMean integerMean;
    private final int[] denseOut = new int[FILTERS];
    /** litert's MEAN (scale, offset finite), run here by {@link #pool}; else null. */
    private final Mean.FloatMean mean;

    /** {@link #assemble} with tflm's requantization. */
    private void assembleFixed(int[] plan, int p, int slots, int[] bias, int[] partials, int shift, int[] levels) {
        LongVector multiplier = LongVector.fromArray(LONGS, fixed.multiplier(), 0);
        LongVector left = LongVector.fromArray(LONGS, fixed.left(), 0);
        LongVector right = LongVector.fromArray(LONGS, fixed.right(), 0);
        LongVector mask = LongVector.fromArray(LONGS, fixed.mask(), 0);
        LongVector half = LongVector.fromArray(LONGS, fixed.half(), 0);
        for (int s = 0; s < slots; s++, p = next(plan, p)) {
            fixed(slot(plan, p, bias, partials, shift), multiplier, left, right, mask, half, zeroPoint, min, max)
                    .intoArray(levels, s * FILTERS);
        }
    }

    /**
     * A step's partial sums: for each j < n (a multiple of 8), Σ_c weights[c·n + j]·x[xo + c], into
     * q[qo + j] and q[qo2 + j]. One accumulator per pass over the channels.
     */
    void multiply(byte[] x, int xo, int channels, int[] weights, int n, int[] q, int qo, int qo2) {
        int j = 0;
        for (; j + 5 * FILTERS <= n; j += 5 * FILTERS) {
            multiply5(x, xo, channels, weights, n, j, q, qo, qo2);
        }
        for (; j < n; j += FILTERS) {
            IntVector a = IntVector.zero(INTS);
            for (int c = 0; c < channels; c++) {
                a = a.add(IntVector.fromArray(INTS, weights, c * n + j).mul(x[xo + c]));
            }
            a.intoArray(q, qo + j);
            a.intoArray(q, qo2 + j);
        }
    }

    /** Five blocks of {@link #multiply} from j, in one pass over the channels. */
    private static void multiply5(byte[] x, int xo, int channels, int[] weights, int n, int j, int[] q, int qo,
            int qo2) {
        IntVector a0 = IntVector.zero(INTS);
        IntVector a1 = IntVector.zero(INTS);
        IntVector a2 = IntVector.zero(INTS);
        IntVector a3 = IntVector.zero(INTS);
        IntVector a4 = IntVector.zero(INTS);
        for (int c = 0; c < channels; c++) {
            int xc = x[xo + c];
            int w = c * n + j;
            a0 = a0.add(IntVector.fromArray(INTS, weights, w).mul(xc));
            a1 = a1.add(IntVector.fromArray(INTS, weights, w + FILTERS).mul(xc));
            a2 = a2.add(IntVector.fromArray(INTS, weights, w + 2 * FILTERS).mul(xc));
            a3 = a3.add(IntVector.fromArray(INTS, weights, w + 3 * FILTERS).mul(xc));
            a4 = a4.add(IntVector.fromArray(INTS, weights, w + 4 * FILTERS).mul(xc));
        }
        a0.intoArray(q, qo + j);
        a1.intoArray(q, qo + j + FILTERS);
        a2.intoArray(q, qo + j + 2 * FILTERS);
        a3.intoArray(q, qo + j + 3 * FILTERS);
        a4.intoArray(q, qo + j + 4 * FILTERS);
        a0.intoArray(q, qo2 + j);
        a1.intoArray(q, qo2 + j + FILTERS);
        a2.intoArray(q, qo2 + j + 2 * FILTERS);
        a3.intoArray(q, qo2 + j + 3 * FILTERS);
        a4.intoArray(q, qo2 + j + 4 * FILTERS);
    }

    /** {@code rq}: the float requantization runs here; null: only the accumulators ({@link #sum}). */
    SlidingVector(Requantizer requantizer, Mean m) {
        this.mean = m instanceof Mean.FloatMean fm && Float.isFinite(fm.scale()) && Float.isFinite(fm.offset())
                ? fm : null;
        Requantizer.FloatMultiplier rq = requantizer instanceof Requantizer.FloatMultiplier f ? f : null;
        this.fixed = requantizer instanceof Requantizer.FixedPointMultiplier f && WIDE_LONGS
                ? FixedPointLanes.of(f.multipliers(), f.shifts(), FILTERS) : null;
        Requantizer.FixedPointMultiplier f = requantizer instanceof Requantizer.FixedPointMultiplier x ? x : null;
        this.min = f == null ? 0 : f.min();
        this.max = f == null ? 0 : f.max();
        this.integerMean = m instanceof Mean.IntegerMean im && WIDE_LONGS
                && FixedPointLanes.of(new int[] {im.multiplier()}, new int[] {im.shift()}, FILTERS) != null ? im : null;
        this.scales = rq == null ? null : java.util.Arrays.copyOf(rq.scales(), FILTERS);
        this.lo = rq == null ? 0 : rq.min() - rq.zeroPoint();
        this.hi = rq == null ? 0 : rq.max() - rq.zeroPoint();
        this.zeroPoint = rq != null ? rq.zeroPoint() : f != null ? f.zeroPoint() : 0;
    }

    /** 64-bit lanes with per-lane arithmetic shifts need 512-bit vectors (AVX-512). */
    private static final boolean WIDE_LONGS = IntVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_512;

    /** {@link FixedPointLanes#requantize} of eight int32 values in 512-bit long lanes. */
    private static IntVector fixed(IntVector x, LongVector multiplier, LongVector left, LongVector right,
            LongVector mask, LongVector half, int zeroPoint, int min, int max) {
        LongVector acc = (LongVector) x.convertShape(VectorOperators.I2L, LONGS, 0);
        LongVector q = FixedPointLanes.requantize(acc, multiplier, left, right, mask, half, zeroPoint, min, max);
        return (IntVector) q.convertShape(VectorOperators.L2I, INTS, 0);
    }

    /** Whether {@link #pool} can run (litert's MEAN with finite constants, or tflm's on the inlined path). */
    boolean pools() {
        return mean != null || integerMean != null;
    }

    /**
     * The per-filter sums, {@code interiorSums} plus the outputs levels[s · 8 ..] of slots [from, to),
     * through litert's MEAN into {@code pooled}: {@link Mean.FloatMean#apply}'s float(sum)·scale +
     * offset, clamped to [−128, 127] in float and rounded to nearest even by the magic number (the same
     * as rounding first and clamping the int: the bounds are integers; no NaN with finite constants).
     */
    void pool(int[] levels, int from, int to, int[] interiorSums, byte[] pooled) {
        IntVector sum = IntVector.fromArray(INTS, interiorSums, 0);
        for (int s = from; s < to; s++) {
            sum = sum.add(IntVector.fromArray(INTS, levels, s * FILTERS));
        }
        if (mean == null) {
            Mean.IntegerMean m = integerMean;
            int shift = m.shift();
            int right = shift > 0 ? 0 : -shift;
            fixed(sum.sub(m.zeroPointTimesCount()), LongVector.broadcast(LONGS, (long) m.multiplier()),
                    LongVector.broadcast(LONGS, 32L + (shift > 0 ? shift : 0)), LongVector.broadcast(LONGS, (long) right),
                    LongVector.broadcast(LONGS, (1L << right) - 1), LongVector.broadcast(LONGS, ((1L << right) - 1) >> 1),
                    m.outputZeroPoint(), Byte.MIN_VALUE, Byte.MAX_VALUE)
                    .convertShape(VectorOperators.I2B, ByteVector.SPECIES_64, 0)
                    .reinterpretAsBytes()
                    .intoArray(pooled, 0);
            return;
        }
        int magicBits = Float.floatToRawIntBits(MAGIC);
        ((FloatVector) sum.convert(VectorOperators.I2F, 0))
                .mul(mean.scale())
                .add(mean.offset())
                .max(Byte.MIN_VALUE)
                .min(Byte.MAX_VALUE)
                .add(MAGIC)
                .reinterpretAsInts()
                .sub(magicBits)
                .convertShape(VectorOperators.I2B, ByteVector.SPECIES_64, 0)
                .reinterpretAsBytes()
                .intoArray(pooled, 0);
    }

    /** Whether {@link #assemble} can run (float requantization, or fixed point on the inlined path). */
    boolean requantizes() {
        return scales != null || fixed != null;
    }

    /** {@link #assemble}'s accumulators, not requantized, into {@code acc} at slot · 8. */
    void sum(int[] plan, int p, int slots, int[] bias, int[] partials, int shift, int[] acc) {
        for (int s = 0; s < slots; s++, p = next(plan, p)) {
            slot(plan, p, bias, partials, shift).intoArray(acc, s * FILTERS);
        }
    }

    /** One position of a plan (entry p): its bias plus its taps' partial sums. */
    private static IntVector slot(int[] plan, int p, int[] bias, int[] partials, int shift) {
        IntVector acc = IntVector.fromArray(INTS, bias, plan[p]);
        for (int i = p + 2, end = i + plan[p + 1]; i < end; i++) {
            acc = acc.add(IntVector.fromArray(INTS, partials, plan[i] + shift));
        }
        return acc;
    }

    /** The plan entry after the position at entry p. */
    private static int next(int[] plan, int p) {
        return p + 2 + plan[p + 1];
    }

    /**
     * For each of {@code slots} positions from plan entry p on, plan holds its bias offset (into {@code
     * bias}), its number of taps n, then n offsets into {@code partials} (plus {@code shift}); its 8
     * int8 outputs go to {@code levels} at slot · 8.
     */
    void assemble(int[] plan, int p, int slots, int[] bias, int[] partials, int shift, int[] levels) {
        if (scales == null) {
            assembleFixed(plan, p, slots, bias, partials, shift, levels);
            return;
        }
        int magicBits = Float.floatToRawIntBits(MAGIC);
        FloatVector scale = FloatVector.fromArray(FLOATS, scales, 0);
        for (int s = 0; s < slots; s++, p = next(plan, p)) {
            requantizeFloat(slot(plan, p, bias, partials, shift), scale, lo, hi, zeroPoint - magicBits)
                    .intoArray(levels, s * FILTERS);
        }
    }

    /** {@link Requantizer.FloatMultiplier}'s batched formula in lanes; {@code offset}: zero point − the magic bits. */
    private static IntVector requantizeFloat(IntVector acc, FloatVector scale, float lo, float hi, int offset) {
        return ((FloatVector) acc.convert(VectorOperators.I2F, 0))
                .mul(scale)
                .max(lo)
                .min(hi)
                .add(MAGIC)
                .reinterpretAsInts()
                .add(offset);
    }

    /**
     * FULLY_CONNECTED of one row of {@code depth} levels into {@code units} ≤ 8 outputs, requantized with
     * this instance's constants: {@code bias} (zero point folded in) plus Σ_k weights[k · 8 + u] · x[k]
     * (the weights transposed, units padded to 8), into y[0 .. units).
     */
    void dense(byte[] x, int depth, int[] weights, int[] bias, byte[] y, int units) {
        IntVector acc = IntVector.fromArray(INTS, bias, 0);
        for (int k = 0; k < depth; k++) {
            acc = acc.add(IntVector.fromArray(INTS, weights, k * FILTERS).mul(x[k]));
        }
        IntVector q = scales != null
                ? requantizeFloat(acc, FloatVector.fromArray(FLOATS, scales, 0), lo, hi,
                        zeroPoint - Float.floatToRawIntBits(MAGIC))
                : fixed(acc, LongVector.fromArray(LONGS, fixed.multiplier(), 0), LongVector.fromArray(LONGS, fixed.left(), 0),
                        LongVector.fromArray(LONGS, fixed.right(), 0), LongVector.fromArray(LONGS, fixed.mask(), 0),
                        LongVector.fromArray(LONGS, fixed.half(), 0), zeroPoint, min, max);
        q.intoArray(denseOut, 0);
        for (int u = 0; u < units; u++) {
            y[u] = (byte) denseOut[u];
        }
    }
}

package io.flatline.model.engine;

import io.flatline.model.arith.Requantizer;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Conv1dKernel}'s multiply-adds in explicit SIMD (the incubating Vector API): the same int32
 * accumulators, so the same outputs. Loaded only when {@code jdk.incubator.vector} is in the boot
 * layer (see {@link Conv1dKernel#vectorAvailable()}): nothing else refers to this class.
 *
 * <p>Layout. Output position t reads, at tap k, the C levels of input step t − padLeft + k·dilation,
 * contiguous in the time-major input; its accumulators for all filters are a matrix product of those
 * levels with the weights. A vector of {@code 2·B} int lanes (B = 8 filters in 512 bits) holds, for B
 * filters, two accumulators each: lane 2f sums the even channels, lane 2f + 1 the odd ones. The input
 * is widened once per run into a long[] whose element m packs the levels of channels 2m and 2m + 1
 * of a step (channels padded to an even count, SAME padding as zero steps), so one broadcast of a
 * long gives {x[c], x[c+1], x[c], x[c+1], ...}, and one multiply by a packed weight vector
 * {w[f][k][c], w[f][k][c+1], w[f+1][k][c], ...} and one add do 2·B multiply-adds. Five positions
 * share each weight vector load. Then each filter's two lanes are added, with the per-position bias;
 * for the float (litert) requantization the B filters of a position are requantized in float lanes
 * with the scalar loop's operations and stored as B contiguous bytes of the time-major output
 * ({@link #requantize}); the fixed-point (tflm) requantization runs the scalar batched loop per
 * filter. Integer sums in any order, wrap-around included, are the same int32.
 *
 * <p>C2 on JDK 17 compiles this to AVX-512 (or AVX2) instructions only under conditions found by
 * measuring, kept here: species from the vector classes' own constants, one loop per multiply-add
 * pass, and one int shape throughout.
 */
final class Conv1dVector {
    // The species constants of the vector classes, not SPECIES_PREFERRED or VectorSpecies.of: JDK 17's
    // C2 folds only those into constants, the others leave every operation boxed.
    private static final boolean WIDE_512 = IntVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    private static final VectorSpecies<Integer> WIDE = WIDE_512 ? IntVector.SPECIES_512 : IntVector.SPECIES_256;
    private static final VectorSpecies<Long> PAIRS = WIDE_512 ? LongVector.SPECIES_512 : LongVector.SPECIES_256;
    /** Filters per block: the int lanes of half a wide vector. */
    private static final int BLOCK = WIDE.length() / 2;
    private static final VectorSpecies<Float> WIDE_FLOAT = WIDE_512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    /** The input bytes widened per {@link #WIDE} vector. */
    private static final VectorSpecies<Byte> INPUT_BYTES = WIDE_512 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
    /** Positions per pass over the weights. */
    private static final int ROWS = 5;
    /** 1.5 * 2^23, as in {@link Requantizer.FloatMultiplier}. */
    private static final float MAGIC = 12582912f;

    private final int inSteps;
    private final int outSteps;
    private final int channels;
    private final int filters;
    /** Longs per input step: channels / 2, rounded up. */
    private final int pairsPerStep;
    private final int blocks;
    /** Per block, tap and channel pair: one wide vector of weights, filter-major, channel parity minor. */
    private final int[] packedWeights;
    /** Per position, block and filter, in the wide layout's odd lane: the bias, zero point folded in. */
    private final int[] bias;
    /** Per (tap k, channel pair p), k-major: where its long is, relative to the position's first: k·tapStride + p. */
    private final int[] pairOffsets;
    /** Padded input steps, pairs of channels packed in longs; the padding steps stay 0. */
    private final long[] pairs;
    private final int inputOffset;
    private final Requantizer requantizer;
    /** Float requantization, per block and filter in the wide layout (both lanes); null for fixed point. */
    private final float[] scales;
    private final float lo;
    private final float hi;
    private final int zeroPoint;
    /**
     * Fixed-point requantization in long lanes (one per filter of a block), when all filters' multipliers
     * take the inlined path of {@link Requantizer.FixedPointMultiplier} and the vectors are 512 bits:
     * per padded filter, the multiplier, 32 + left shift, right shift, its mask and half the mask. Else null.
     */
    private final FixedPointLanes fixed;
    private final int min;
    private final int max;
    /** Fixed point without {@link #fixed}: the accumulators time-major, then one filter's contiguous. */
    private final int[] positionAcc;
    private final int[] filterAcc;
    /** The last block's outputs when it is not full. */
    private final long[] partial;
    /** Per position and block, the wide accumulators (two per filter). */
    private final int[] wide;

    /** True when the JVM's vectors are wide enough (256 bits or more) for C2 to compile these to SIMD. */
    static boolean supported() {
        return IntVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    }

    /**
     * @param weights [F][K][C] int8 levels as ints
     * @param positionBias [T_out][F] bias with the input zero point folded in
     */
    Conv1dVector(Geometry g, int[] weights, int[] positionBias, Requantizer rq) {
        this.inSteps = g.inW();
        this.outSteps = g.outW();
        this.channels = g.inC();
        this.filters = g.outC();
        int kernel = g.kW();
        this.pairsPerStep = (channels + 1) / 2;
        int tapStride = g.dilationW() * pairsPerStep;
        this.blocks = (filters + BLOCK - 1) / BLOCK;
        this.requantizer = rq;
        int lanes = WIDE.length();
        int taps = kernel * channels;
        this.packedWeights = new int[blocks * kernel * pairsPerStep * lanes];
        for (int b = 0; b < blocks; b++) {
            for (int k = 0; k < kernel; k++) {
                for (int p = 0; p < pairsPerStep; p++) {
                    int o = ((b * kernel + k) * pairsPerStep + p) * lanes;
                    for (int i = 0; i < BLOCK; i++) {
                        int f = b * BLOCK + i;
                        for (int parity = 0; parity < 2; parity++) {
                            int c = 2 * p + parity;
                            packedWeights[o + 2 * i + parity] =
                                    f < filters && c < channels ? weights[f * taps + k * channels + c] : 0;
                        }
                    }
                }
            }
        }
        this.bias = new int[outSteps * blocks * lanes];
        for (int t = 0; t < outSteps; t++) {
            for (int f = 0; f < filters; f++) {
                bias[(t * blocks + f / BLOCK) * lanes + 2 * (f % BLOCK) + 1] = positionBias[t * filters + f];
            }
        }
        int paddedFilters = blocks * BLOCK;
        this.pairOffsets = new int[kernel * pairsPerStep];
        for (int k = 0; k < kernel; k++) {
            for (int p = 0; p < pairsPerStep; p++) {
                pairOffsets[k * pairsPerStep + p] = k * tapStride + p;
            }
        }
        int paddedSteps = Math.max(inSteps + g.padLeft(), outSteps + (kernel - 1) * g.dilationW());
        this.pairs = new long[paddedSteps * pairsPerStep];
        this.inputOffset = g.padLeft() * pairsPerStep;
        // 64-bit lanes with per-lane arithmetic shifts need 512-bit vectors (no such shift in AVX2).
        this.fixed = rq instanceof Requantizer.FixedPointMultiplier m && WIDE_512
                ? FixedPointLanes.of(m.multipliers(), m.shifts(), blocks * BLOCK) : null;
        if (rq instanceof Requantizer.FloatMultiplier m) {
            this.scales = new float[blocks * lanes];
            for (int f = 0; f < filters; f++) {
                scales[(f / BLOCK) * lanes + 2 * (f % BLOCK)] = m.scales()[f];
                scales[(f / BLOCK) * lanes + 2 * (f % BLOCK) + 1] = m.scales()[f];
            }
            this.lo = m.min() - m.zeroPoint();
            this.hi = m.max() - m.zeroPoint();
            this.zeroPoint = m.zeroPoint();
            this.min = m.min();
            this.max = m.max();
            this.positionAcc = null;
            this.filterAcc = null;
        } else {
            Requantizer.FixedPointMultiplier m = (Requantizer.FixedPointMultiplier) rq;
            this.scales = null;
            this.lo = this.hi = 0;
            this.zeroPoint = m.zeroPoint();
            this.min = m.min();
            this.max = m.max();
            this.positionAcc = fixed == null ? new int[outSteps * paddedFilters] : null;
            this.filterAcc = fixed == null ? new int[outSteps] : null;
        }
        this.partial = new long[BLOCK];
        this.wide = new int[outSteps * blocks * lanes];
    }

    void run(byte[] x, byte[] y) {
        widen(x);
        for (int b = 0; b < blocks; b++) {
            int t = 0;
            for (; t + ROWS <= outSteps; t += ROWS) {
                rows(b, t);
            }
            for (; t < outSteps; t++) {
                row(b, t);
            }
        }
        if (scales != null) {
            requantize(y);
            return;
        }
        if (fixed != null) {
            requantizeFixed(y);
            return;
        }
        int paddedFilters = blocks * BLOCK;
        sum(positionAcc);
        for (int f = 0; f < filters; f++) {
            for (int t = 0; t < outSteps; t++) {
                filterAcc[t] = positionAcc[t * paddedFilters + f];
            }
            requantizer.apply(filterAcc, 0, outSteps, f, y, f, filters);
        }
    }

    /** The input into {@link #pairs}: level of step s, channel c at the int half c % 2 of long s·P + c/2. */
    private void widen(byte[] x) {
        long[] pairs = this.pairs;
        if ((channels & 1) == 0) {
            int n = inSteps * channels;
            int lanes = WIDE.length();
            int i = 0;
            for (; i + lanes <= n; i += lanes) {
                ((IntVector) ByteVector.fromArray(INPUT_BYTES, x, i).convertShape(VectorOperators.B2I, WIDE, 0))
                        .reinterpretAsLongs().intoArray(pairs, inputOffset + i / 2);
            }
            for (; i < n; i += 2) {
                pairs[inputOffset + i / 2] = (x[i] & 0xFFFFFFFFL) | ((long) x[i + 1] << 32);
            }
            return;
        }
        for (int s = 0; s < inSteps; s++) {
            int o = inputOffset + s * pairsPerStep;
            int c = 0;
            for (; c + 1 < channels; c += 2) {
                pairs[o + c / 2] = (x[s * channels + c] & 0xFFFFFFFFL) | ((long) x[s * channels + c + 1] << 32);
            }
            pairs[o + c / 2] = x[s * channels + c] & 0xFFFFFFFFL;
        }
    }

    /**
     * Positions t .. t + 4 of block b, into {@link #wide}. One loop over the (tap, channel pair)
     * entries, not one per tap and one per pair: with nested loops JDK 17's C2 keeps more than two
     * accumulators boxed.
     */
    private void rows(int b, int t) {
        long[] pairs = this.pairs;
        int[] w = this.packedWeights;
        int[] offsets = this.pairOffsets;
        int lanes = WIDE.length();
        int step = pairsPerStep;
        IntVector a0 = IntVector.zero(WIDE);
        IntVector a1 = IntVector.zero(WIDE);
        IntVector a2 = IntVector.zero(WIDE);
        IntVector a3 = IntVector.zero(WIDE);
        IntVector a4 = IntVector.zero(WIDE);
        int wo = b * offsets.length * lanes;
        int xo = t * step;
        for (int j = 0; j < offsets.length; j++) {
            IntVector wv = IntVector.fromArray(WIDE, w, wo + j * lanes);
            int i = xo + offsets[j];
            a0 = a0.add(LongVector.broadcast(PAIRS, pairs[i]).reinterpretAsInts().mul(wv));
            a1 = a1.add(LongVector.broadcast(PAIRS, pairs[i + step]).reinterpretAsInts().mul(wv));
            a2 = a2.add(LongVector.broadcast(PAIRS, pairs[i + 2 * step]).reinterpretAsInts().mul(wv));
            a3 = a3.add(LongVector.broadcast(PAIRS, pairs[i + 3 * step]).reinterpretAsInts().mul(wv));
            a4 = a4.add(LongVector.broadcast(PAIRS, pairs[i + 4 * step]).reinterpretAsInts().mul(wv));
        }
        int o = (t * blocks + b) * lanes;
        int stride = blocks * lanes;
        a0.intoArray(wide, o);
        a1.intoArray(wide, o + stride);
        a2.intoArray(wide, o + 2 * stride);
        a3.intoArray(wide, o + 3 * stride);
        a4.intoArray(wide, o + 4 * stride);
    }

    private void row(int b, int t) {
        long[] pairs = this.pairs;
        int[] w = this.packedWeights;
        int[] offsets = this.pairOffsets;
        int lanes = WIDE.length();
        IntVector a = IntVector.zero(WIDE);
        int wo = b * offsets.length * lanes;
        int xo = t * pairsPerStep;
        for (int j = 0; j < offsets.length; j++) {
            IntVector wv = IntVector.fromArray(WIDE, w, wo + j * lanes);
            a = a.add(LongVector.broadcast(PAIRS, pairs[xo + offsets[j]]).reinterpretAsInts().mul(wv));
        }
        a.intoArray(wide, (t * blocks + b) * lanes);
    }

    /**
     * XNNPACK's float requantization of the B filters of a position, in the wide lanes: each filter's
     * two accumulators are added as longs ((hi·2^32 + lo) + lo·2^32 leaves lo + hi with wrap-around,
     * the int32 sum, in the odd lane), then the odd lanes take the scalar loop's operations lane by
     * lane: + bias, float(acc)·scale, clamp, + 1.5·2^23 (rounds to nearest even), whose low mantissa
     * bits are then the rounded value (what subtracting the magic number back gives), + zero point.
     * The odd lanes are narrowed to the position's contiguous bytes. (Everything stays in the wide
     * shape: on JDK 17, operations on a second int shape in the same program left the multiply-add
     * loop's accumulators boxed.)
     */
    private void requantize(byte[] y) {
        int lanes = WIDE.length();
        int magicBits = Float.floatToRawIntBits(MAGIC);
        // One loop over (position, block), not two nested: nested, JDK 17's C2 ran this 3x slower.
        int count = outSteps * blocks;
        int t = 0;
        int b = 0;
        for (int tb = 0; tb < count; tb++) {
            int i = tb * lanes;
            LongVector l = IntVector.fromArray(WIDE, wide, i).reinterpretAsLongs();
            IntVector acc = l.add(l.lanewise(VectorOperators.LSHL, 32)).reinterpretAsInts()
                    .add(IntVector.fromArray(WIDE, bias, i));
            LongVector q = ((FloatVector) acc.convert(VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(WIDE_FLOAT, scales, b * lanes))
                    .max(lo)
                    .min(hi)
                    .add(MAGIC)
                    .reinterpretAsInts()
                    .add(zeroPoint - magicBits)
                    .reinterpretAsLongs()
                    .lanewise(VectorOperators.ASHR, 32);
            int yo = t * filters + b * BLOCK;
            if (BLOCK == 8 && (b + 1) * BLOCK <= filters) {
                q.convertShape(VectorOperators.L2B, ByteVector.SPECIES_64, 0).reinterpretAsBytes()
                        .intoArray(y, yo);
            } else {
                q.intoArray(partial, 0);
                int n = Math.min(BLOCK, filters - b * BLOCK);
                for (int j = 0; j < n; j++) {
                    y[yo + j] = (byte) partial[j];
                }
            }
            if (++b == blocks) {
                b = 0;
                t++;
            }
        }
    }

    /**
     * {@link Requantizer.FixedPointMultiplier}'s inlined loop in long lanes, one per filter of a block:
     * the int32 accumulator (the two lanes and the bias added as ints, so wrapping like the scalar
     * loop) sign-extended, then {@link FixedPointLanes#requantize}, narrowed to the position's bytes.
     * One loop over (position, block), as in {@link #requantize}. The narrowing is written out in both
     * loops on purpose: moved into a shared method, JDK 17's C2 ran this one 1.3x slower (JMH
     * SeedModelBenchmark.fullInference, tflm: median 1,200-1,240 ns against 900-930 ns).
     */
    private void requantizeFixed(byte[] y) {
        int lanes = WIDE.length();
        int count = outSteps * blocks;
        int t = 0;
        int b = 0;
        for (int tb = 0; tb < count; tb++) {
            int i = tb * lanes;
            int c = b * BLOCK;
            LongVector l = IntVector.fromArray(WIDE, wide, i).reinterpretAsLongs();
            LongVector acc = l.add(l.lanewise(VectorOperators.LSHL, 32)).reinterpretAsInts()
                    .add(IntVector.fromArray(WIDE, bias, i))
                    .reinterpretAsLongs()
                    .lanewise(VectorOperators.ASHR, 32);
            LongVector q = FixedPointLanes.requantize(acc, LongVector.fromArray(PAIRS, fixed.multiplier(), c),
                    LongVector.fromArray(PAIRS, fixed.left(), c), LongVector.fromArray(PAIRS, fixed.right(), c),
                    LongVector.fromArray(PAIRS, fixed.mask(), c), LongVector.fromArray(PAIRS, fixed.half(), c),
                    zeroPoint, min, max);
            int yo = t * filters + c;
            if (BLOCK == 8 && c + BLOCK <= filters) {
                q.convertShape(VectorOperators.L2B, ByteVector.SPECIES_64, 0).reinterpretAsBytes()
                        .intoArray(y, yo);
            } else {
                q.intoArray(partial, 0);
                int n = Math.min(BLOCK, filters - c);
                for (int j = 0; j < n; j++) {
                    y[yo + j] = (byte) partial[j];
                }
            }
            if (++b == blocks) {
                b = 0;
                t++;
            }
        }
    }

    /** For the fixed-point requantization: each position's int32 accumulators, time-major. */
    private void sum(int[] acc) {
        int lanes = WIDE.length();
        int paddedFilters = blocks * BLOCK;
        for (int t = 0; t < outSteps; t++) {
            for (int f = 0; f < paddedFilters; f++) {
                int i = (t * blocks + f / BLOCK) * lanes + 2 * (f % BLOCK);
                acc[t * paddedFilters + f] = wide[i] + wide[i + 1] + bias[i + 1];
            }
        }
    }
}

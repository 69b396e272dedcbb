package io.flatline.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.arith.FixedPoint;
import io.flatline.model.arith.Mean;
import io.flatline.model.arith.Requantizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SlidingVector}'s requantization and MEAN lanes against the scalar {@link Requantizer} and
 * {@link Mean}, on random constants and accumulators (int32 extremes included for fixed point), and
 * {@link Requantizer#applyRows} against the per-value path. The SIMD part is skipped without the
 * jdk.incubator.vector module.
 */
class SlidingVectorTest {
    private static final int F = SlidingVector.FILTERS;

    @Test
    void requantizationAndMeanEqualTheScalarPaths() {
        assumeTrue(Conv1dKernel.vectorAvailable(), "jdk.incubator.vector is not in the boot layer");
        Random rnd = new Random(20261124);
        for (int round = 0; round < 3000; round++) {
            boolean fixed = round % 2 == 0;
            Requantizer rq = requantizer(rnd, fixed);
            Mean mean = Mean.of(fixed ? Arithmetic.TFLM : Arithmetic.LITERT, (float) Math.pow(2, -8 + 6 * rnd.nextDouble()),
                    rnd.nextInt(256) - 128, (float) Math.pow(2, -8 + 6 * rnd.nextDouble()), rnd.nextInt(256) - 128,
                    1 + rnd.nextInt(100));
            SlidingVector vector = new SlidingVector(rq, mean);
            int slots = 6;
            int[] acc = accumulators(rnd, slots * F, fixed);
            int[] plan = new int[2 * slots];
            for (int s = 0; s < slots; s++) {
                plan[2 * s] = s * F;
            }
            if (vector.requantizes()) {
                int[] levels = new int[slots * F];
                vector.assemble(plan, 0, slots, acc, new int[F], 0, levels);
                for (int i = 0; i < acc.length; i++) {
                    assertThat(levels[i]).as("acc %d filter %d", acc[i], i % F).isEqualTo(rq.apply(acc[i], i % F));
                }
            }
            if (vector.pools()) {
                int[] sums = new int[F];
                int[] levels = new int[slots * F];
                for (int i = 0; i < F; i++) {
                    sums[i] = rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(1 << 14) - (1 << 13);
                }
                for (int i = 0; i < levels.length; i++) {
                    levels[i] = rnd.nextInt(256) - 128;
                }
                byte[] pooled = new byte[F];
                vector.pool(levels, 1, slots, sums, pooled);
                for (int f = 0; f < F; f++) {
                    int sum = sums[f];
                    for (int s = 1; s < slots; s++) {
                        sum += levels[s * F + f];
                    }
                    assertThat(pooled[f]).as("sum %d", sum).isEqualTo((byte) mean.apply(sum));
                }
            }
        }
    }

    @Test
    void applyRowsEqualsPerValue() {
        Random rnd = new Random(44);
        for (int round = 0; round < 2000; round++) {
            boolean fixed = round % 2 == 0;
            Requantizer rq = requantizer(rnd, fixed);
            int rows = 1 + rnd.nextInt(6);
            int[] acc = accumulators(rnd, rows * F, fixed);
            byte[] y = new byte[rows * F + 3];
            rq.applyRows(acc, rows, F, y, 3);
            for (int i = 0; i < acc.length; i++) {
                assertThat(y[3 + i]).as("acc %d channel %d", acc[i], i % F).isEqualTo((byte) rq.apply(acc[i], i % F));
            }
        }
    }

    private static Requantizer requantizer(Random rnd, boolean fixed) {
        int zp = rnd.nextInt(256) - 128;
        int lo = rnd.nextBoolean() ? -128 : Math.max(-128, zp);
        if (fixed) {
            int[] mult = new int[F];
            int[] shift = new int[F];
            for (int c = 0; c < F; c++) {
                FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier(Math.pow(2, -20 + 24 * rnd.nextDouble()));
                mult[c] = m.multiplier();
                shift[c] = m.shift();
            }
            return new Requantizer.FixedPointMultiplier(mult, shift, zp, lo, 127);
        }
        float[] scales = new float[F];
        for (int c = 0; c < F; c++) {
            scales[c] = (float) Math.pow(2, -20 + 24 * rnd.nextDouble());
        }
        return new Requantizer.FloatMultiplier(scales, zp, lo, 127);
    }

    /** Float: not the int32 extremes, where the per-value path wraps and the batched formula saturates. */
    private static int[] accumulators(Random rnd, int n, boolean extremes) {
        int[] acc = new int[n];
        for (int i = 0; i < n; i++) {
            acc[i] = switch (rnd.nextInt(extremes ? 4 : 3)) {
                case 0 -> extremes ? rnd.nextInt() : rnd.nextInt(1 << 26) - (1 << 25);
                case 1 -> rnd.nextInt(1 << 16) - (1 << 15);
                case 2 -> rnd.nextInt(512) - 256;
                default -> rnd.nextBoolean() ? Integer.MIN_VALUE + rnd.nextInt(4) : Integer.MAX_VALUE - rnd.nextInt(4);
            };
        }
        return acc;
    }
}

package io.flatline.model.arith;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The batched requantization loops give exactly what the per-value {@link Requantizer#apply(int, int)} gives. */
class RequantizerTest {

    @Test
    void batchedFixedPointEqualsPerValue() {
        Random rnd = new Random(42);
        for (int round = 0; round < 2000; round++) {
            int n = 4;
            int[] mult = new int[n];
            int[] shift = new int[n];
            for (int c = 0; c < n; c++) {
                FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier(Math.pow(2, -20 + 24 * rnd.nextDouble()));
                mult[c] = m.multiplier();
                shift[c] = m.shift();
            }
            int zp = rnd.nextInt(256) - 128;
            int lo = rnd.nextBoolean() ? -128 : Math.max(-128, zp);
            Requantizer rq = new Requantizer.FixedPointMultiplier(mult, shift, zp, lo, 127);
            assertBatchedEqualsPerValue(rq, rnd, n, true);
        }
    }

    @Test
    void batchedFloatEqualsPerValue() {
        Random rnd = new Random(43);
        for (int round = 0; round < 2000; round++) {
            int n = 4;
            float[] scales = new float[n];
            for (int c = 0; c < n; c++) {
                scales[c] = (float) Math.pow(2, -20 + 24 * rnd.nextDouble());
            }
            int zp = rnd.nextInt(256) - 128;
            int lo = rnd.nextBoolean() ? -128 : Math.max(-128, zp);
            // Not the int32 extremes: there float(acc) * scale + zp leaves the int range, which the per-value
            // path wraps and XNNPACK's batched order (clamp in float first) does not.
            assertBatchedEqualsPerValue(new Requantizer.FloatMultiplier(scales, zp, lo, 127), rnd, n, false);
        }
    }

    private static void assertBatchedEqualsPerValue(Requantizer rq, Random rnd, int channels, boolean extremes) {
        int[] acc = new int[64];
        for (int i = 0; i < acc.length; i++) {
            acc[i] = switch (rnd.nextInt(extremes ? 4 : 3)) {
                case 0 -> extremes ? rnd.nextInt() : rnd.nextInt(1 << 26) - (1 << 25);
                case 1 -> rnd.nextInt(1 << 16) - (1 << 15);
                case 2 -> rnd.nextInt(512) - 256;
                default -> rnd.nextBoolean() ? Integer.MIN_VALUE + rnd.nextInt(4) : Integer.MAX_VALUE - rnd.nextInt(4);
            };
        }
        for (int c = 0; c < channels; c++) {
            byte[] y = new byte[acc.length * 2];
            rq.apply(acc, 0, acc.length, c, y, 1, 2);
            for (int i = 0; i < acc.length; i++) {
                assertThat(y[1 + 2 * i]).as("acc %d channel %d", acc[i], c).isEqualTo((byte) rq.apply(acc[i], c));
            }
        }
    }
}

package io.flatline.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.arith.Requantizer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Conv1D kernel's SIMD path ({@link Conv1dVector}) against its scalar loops and against the
 * generic {@link ConvKernel}, on random shapes, weights, biases, zero points and inputs, in both
 * arithmetics. Skipped when the JVM runs without the jdk.incubator.vector module (the build's
 * surefire configuration adds it).
 */
class Conv1dVectorTest {

    @Test
    void vectorEqualsScalarOnRandomShapes() {
        assumeTrue(Conv1dKernel.vectorAvailable(), "jdk.incubator.vector is not in the boot layer");
        Random rnd = new Random(20261124);
        for (int shape = 0; shape < 400; shape++) {
            int steps = 1 + rnd.nextInt(shape < 200 ? 12 : 80);
            int channels = 1 + rnd.nextInt(shape % 3 == 0 ? 3 : 17);
            int filters = 1 + rnd.nextInt(shape % 4 == 0 ? 4 : 24);
            int kernel = 1 + rnd.nextInt(7);
            int dilation = 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(3) : 0);
            int effective = (kernel - 1) * dilation + 1;
            int padLeft = (effective - 1) / 2;
            Geometry g = new Geometry(1, 1, steps, channels, 1, steps, filters, 1, kernel, 1, 1, 1, dilation, 0,
                    padLeft);
            assertThat(Conv1dKernel.applies(g)).isTrue();
            byte[] weights = new byte[filters * kernel * channels];
            rnd.nextBytes(weights);
            if (shape % 5 == 0) {
                Arrays.fill(weights, (byte) (shape % 10 == 0 ? -128 : 127));
            }
            int[] bias = new int[filters];
            boolean wraps = shape % 7 == 0;
            for (int f = 0; f < filters; f++) {
                // Now and then near the int32 limits, so the accumulators wrap around.
                bias[f] = wraps ? Integer.MAX_VALUE - rnd.nextInt(1 << 20) : rnd.nextInt(1 << 16) - (1 << 15);
            }
            int zeroPoint = rnd.nextInt(256) - 128;
            for (Arithmetic arithmetic : Arithmetic.values()) {
                Requantizer rq = requantizer(arithmetic, filters, rnd);
                if (shape % 11 == 0 && arithmetic == Arithmetic.TFLM) {
                    // A shift of -31, which the batched fixed-point loops leave to the per-value path.
                    rq = perValueFirst(filters, rnd);
                }
                Conv1dKernel vector = new Conv1dKernel(0, 1, g, weights, bias, zeroPoint, rq, true);
                Conv1dKernel scalar = new Conv1dKernel(0, 1, g, weights, bias, zeroPoint, rq, false);
                ConvKernel generic = ConvKernel.conv(0, 1, g, weights, bias, zeroPoint, rq);
                assertThat(vector.vectorized()).isTrue();
                assertThat(scalar.vectorized()).isFalse();
                for (int run = 0; run < 3; run++) {
                    byte[] x = new byte[steps * channels];
                    rnd.nextBytes(x);
                    if (run == 2) {
                        Arrays.fill(x, (byte) -128);
                    }
                    byte[] expected = run(scalar, x, steps * filters);
                    String what = "shape " + shape + " T=" + steps + " C=" + channels + " F=" + filters + " K="
                            + kernel + " d=" + dilation + " " + arithmetic + " run " + run;
                    assertThat(run(vector, x, steps * filters)).as(what).isEqualTo(expected);
                    if (!wraps) {
                        // (Past 2^31, litert's per-value requantization, which ConvKernel uses, wraps
                        // where the batched one saturates: docs/benchmarks.md, "## model".)
                        assertThat(run(generic, x, steps * filters)).as("generic, " + what).isEqualTo(expected);
                    }
                }
            }
        }
    }

    /** Enough runs of a few shapes for C2 to compile the vector code, the code that runs in production. */
    @Test
    void compiledVectorEqualsScalar() {
        assumeTrue(Conv1dKernel.vectorAvailable(), "jdk.incubator.vector is not in the boot layer");
        Random rnd = new Random(7);
        int[][] shapes = {{50, 10, 8, 5, 1}, {33, 7, 13, 4, 2}};
        for (int[] s : shapes) {
            int steps = s[0];
            int channels = s[1];
            int filters = s[2];
            int kernel = s[3];
            int dilation = s[4];
            Geometry g = new Geometry(1, 1, steps, channels, 1, steps, filters, 1, kernel, 1, 1, 1, dilation, 0,
                    (kernel - 1) * dilation / 2);
            byte[] weights = new byte[filters * kernel * channels];
            rnd.nextBytes(weights);
            int[] bias = new int[filters];
            for (int f = 0; f < filters; f++) {
                bias[f] = rnd.nextInt(1 << 14) - (1 << 13);
            }
            int zeroPoint = rnd.nextInt(256) - 128;
            for (Arithmetic arithmetic : Arithmetic.values()) {
                Requantizer rq = requantizer(arithmetic, filters, rnd);
                Conv1dKernel vector = new Conv1dKernel(0, 1, g, weights, bias, zeroPoint, rq, true);
                Conv1dKernel scalar = new Conv1dKernel(0, 1, g, weights, bias, zeroPoint, rq, false);
                byte[] x = new byte[steps * channels];
                for (int run = 0; run < 20_000; run++) {
                    rnd.nextBytes(x);
                    byte[] got = run(vector, x, steps * filters);
                    byte[] expected = run(scalar, x, steps * filters);
                    if (!Arrays.equals(got, expected)) {
                        assertThat(got).as(Arrays.toString(s) + " " + arithmetic + " run " + run).isEqualTo(expected);
                    }
                }
            }
        }
    }

    /**
     * The fixed-point requantization adds the zero point in int32, as TFLite Micro does: a product at the top
     * of the int range plus a positive zero point wraps around to the bottom and clamps to the minimum. The
     * SIMD lanes are 64-bit and must wrap the same way.
     */
    @Test
    void fixedPointZeroPointWrapsLikeAnIntAtTheTopOfTheRange() {
        assumeTrue(Conv1dKernel.vectorAvailable(), "jdk.incubator.vector is not in the boot layer");
        int steps = 4;
        int filters = 8;
        Geometry g = new Geometry(1, 1, steps, 1, 1, steps, filters, 1, 1, 1, 1, 1, 1, 0, 0);
        int[] bias = new int[filters];
        Arrays.fill(bias, Integer.MAX_VALUE - 10);
        int[] multipliers = new int[filters];
        Arrays.fill(multipliers, Integer.MAX_VALUE);
        Requantizer rq = new Requantizer.FixedPointMultiplier(multipliers, new int[filters], 100, -128, 127);
        byte[] weights = new byte[filters];
        Conv1dKernel vector = new Conv1dKernel(0, 1, g, weights, bias, 0, rq, true);
        Conv1dKernel scalar = new Conv1dKernel(0, 1, g, weights, bias, 0, rq, false);
        byte[] x = new byte[steps];

        byte[] expected = run(scalar, x, steps * filters);

        assertThat(expected).containsOnly((byte) -128);
        assertThat(run(vector, x, steps * filters)).isEqualTo(expected);
    }

    @Test
    void validPaddingWithAWideKernelIsLeftToTheGenericKernel() {
        // Conv1dKernel indexes input and output by the same position: VALID would read past its output.
        Geometry g = new Geometry(1, 1, 50, 10, 1, 46, 8, 1, 5, 1, 1, 1, 1, 0, 0);
        assertThat(Conv1dKernel.applies(g)).isFalse();
    }

    private static Requantizer requantizer(Arithmetic arithmetic, int filters, Random rnd) {
        float[] filterScales = new float[filters];
        for (int f = 0; f < filters; f++) {
            filterScales[f] = (float) Math.pow(10, -4 + 3 * rnd.nextDouble());
        }
        float inputScale = (float) Math.pow(10, -3 + 2 * rnd.nextDouble());
        float outputScale = (float) Math.pow(10, -3 + 2 * rnd.nextDouble());
        int zeroPoint = rnd.nextInt(256) - 128;
        boolean relu = rnd.nextBoolean();
        return arithmetic.requantizer(inputScale, filterScales, outputScale, zeroPoint, relu ? zeroPoint : -128, 127,
                false);
    }

    private static Requantizer perValueFirst(int filters, Random rnd) {
        int[] multipliers = new int[filters];
        int[] shifts = new int[filters];
        for (int f = 0; f < filters; f++) {
            multipliers[f] = (1 << 30) + rnd.nextInt(1 << 30);
            shifts[f] = f == 0 ? -31 : -rnd.nextInt(20);
        }
        return new Requantizer.FixedPointMultiplier(multipliers, shifts, rnd.nextInt(256) - 128, -128, 127);
    }

    private static byte[] run(Kernel kernel, byte[] x, int outputs) {
        byte[] y = new byte[outputs];
        kernel.run(new Object[] {x, y});
        return y;
    }
}

package io.flatline.model.engine;

import io.flatline.model.arith.Requantizer;

/**
 * CONV_2D over a (1, 1, T, C) input with stride 1: a Keras Conv1D. The same integers as {@link
 * ConvKernel}, computed faster: the input zero point is folded into a bias per output position (the
 * taps that fall into SAME padding contribute nothing, so the edge positions get their own). With
 * the jdk.incubator.vector module in the JVM the multiply-adds and the requantization run in
 * {@link Conv1dVector} (explicit SIMD); without it, in the scalar loops here, where each tap's input
 * row is copied so that C2 vectorizes them. The sliding window reads the weights and per-position
 * biases to update a window step by step.
 */
final class Conv1dKernel implements Kernel {
    private final int in;
    private final int out;
    private final int steps;
    private final int channels;
    private final int filters;
    private final int kernel;
    private final int dilation;
    private final int padLeft;
    private final int[] weights;
    /** Per output position and channel: bias minus zero point times the weights of the taps in range. */
    private final int[] positionBias;
    private final Requantizer requantizer;
    /** {@link #positionBias} filter-major: filter f's bias of every position, contiguous. */
    private final int[] filterBias;
    /** Channel-major input with zeros for the SAME padding: row c holds time steps -padLeft.. of channel c. */
    private final int[] padded;
    private final int paddedSteps;
    /**
     * Per tap (k, c), the input it reads at every output position: row c of {@link #padded} from
     * k * dilation. Copies, so that the multiply-add loops index every array by the position alone,
     * which C2 vectorizes; null when they would take more than {@link #MAX_TAP_ROW_ELEMENTS}.
     */
    private final int[][] tapRows;
    private final int[] acc;
    /** The SIMD multiply-adds, when the Vector API is available and enabled; else null. */
    private final Conv1dVector vector;

    static final int MAX_TAP_ROW_ELEMENTS = 1 << 16;

    /** True when the JVM runs with {@code --add-modules jdk.incubator.vector}. */
    private static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** System property that turns the SIMD kernel off ({@code -Dflatline.model.vector=false}). */
    static final String VECTOR_PROPERTY = "flatline.model.vector";

    Conv1dKernel(int in, int out, Geometry g, byte[] weights, int[] bias, int inputZeroPoint, Requantizer rq) {
        this(in, out, g, weights, bias, inputZeroPoint, rq, vectorAvailable()
                && !"false".equalsIgnoreCase(System.getProperty(VECTOR_PROPERTY)));
    }

    /** {@code vector}: use {@link Conv1dVector}; callers check {@link #vectorAvailable()} first. */
    Conv1dKernel(int in, int out, Geometry g, byte[] weights, int[] bias, int inputZeroPoint, Requantizer rq,
            boolean vector) {
        this.in = in;
        this.out = out;
        this.steps = g.inW();
        this.channels = g.inC();
        this.filters = g.outC();
        this.kernel = g.kW();
        this.dilation = g.dilationW();
        this.padLeft = g.padLeft();
        this.requantizer = rq;
        int taps = kernel * channels;
        this.weights = new int[filters * taps];
        for (int i = 0; i < this.weights.length; i++) {
            this.weights[i] = weights[i];
        }
        this.positionBias = new int[steps * filters];
        for (int t = 0; t < steps; t++) {
            for (int f = 0; f < filters; f++) {
                int b = bias[f];
                for (int k = 0; k < kernel; k++) {
                    int ti = t - padLeft + k * dilation;
                    for (int c = 0; ti >= 0 && ti < steps && c < channels; c++) {
                        b -= inputZeroPoint * weights[f * taps + k * channels + c];
                    }
                }
                positionBias[t * filters + f] = b;
            }
        }
        this.filterBias = new int[filters * steps];
        for (int t = 0; t < steps; t++) {
            for (int f = 0; f < filters; f++) {
                filterBias[f * steps + t] = positionBias[t * filters + f];
            }
        }
        this.paddedSteps = steps + (kernel - 1) * dilation;
        this.padded = new int[channels * paddedSteps];
        this.tapRows = (long) taps * steps <= MAX_TAP_ROW_ELEMENTS ? new int[taps][steps] : null;
        this.acc = new int[steps];
        this.vector = vector ? new Conv1dVector(g, this.weights, positionBias, rq) : null;
    }

    /**
     * Whether {@link Conv1dVector} can run: the incubating module is in the boot layer (only then is
     * that class loaded) and its preferred vectors are at least 256 bits wide.
     */
    static boolean vectorAvailable() {
        return VECTOR_MODULE && Conv1dVector.supported();
    }

    /** Whether this kernel runs the SIMD multiply-adds. */
    boolean vectorized() {
        return vector != null;
    }

    /**
     * Applies when the geometry is a batch-1, height-1, stride-1 convolution with as many output as
     * input steps (SAME padding, or a kernel of one step): the loops here index input and output by
     * the same position.
     */
    static boolean applies(Geometry g) {
        return g.batch() == 1 && g.inH() == 1 && g.kH() == 1 && g.outH() == 1 && g.strideW() == 1
                && g.outW() == g.inW();
    }

    int steps() {
        return steps;
    }

    int filters() {
        return filters;
    }

    int channels() {
        return channels;
    }

    /** The first and one past the last output position whose taps all fall inside the input. */
    int firstInterior() {
        return padLeft;
    }

    int endInterior() {
        return steps - ((kernel - 1) * dilation - padLeft);
    }

    /**
     * All positions at once, filter by filter: for each tap the whole time axis is one multiply-add of
     * a constant weight over the tap's input row, five (then four, then one) taps per pass over the
     * accumulators, loops C2 turns into SIMD (at eight taps a pass it no longer does). Padding holds
     * level 0, which adds nothing; the zero point is in the per-position bias. Integer sums in any
     * order are the same int32 (wrap-around included).
     */
    @Override
    public void run(Object[] slots) {
        byte[] x = (byte[]) slots[in];
        byte[] y = (byte[]) slots[out];
        if (vector != null) {
            vector.run(x, y);
            return;
        }
        for (int t = 0; t < steps; t++) {
            for (int c = 0; c < channels; c++) {
                padded[c * paddedSteps + padLeft + t] = x[t * channels + c];
            }
        }
        if (tapRows == null) {
            runFromPadded(y);
            return;
        }
        int taps = kernel * channels;
        for (int k = 0; k < kernel; k++) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(padded, c * paddedSteps + k * dilation, tapRows[k * channels + c], 0, steps);
            }
        }
        int[] acc = this.acc;
        int n = steps;
        for (int f = 0; f < filters; f++) {
            System.arraycopy(filterBias, f * n, acc, 0, n);
            int wo = f * taps;
            int j = 0;
            for (; j + 5 <= taps; j += 5) {
                int w0 = weights[wo + j];
                int w1 = weights[wo + j + 1];
                int w2 = weights[wo + j + 2];
                int w3 = weights[wo + j + 3];
                int w4 = weights[wo + j + 4];
                int[] x0 = tapRows[j];
                int[] x1 = tapRows[j + 1];
                int[] x2 = tapRows[j + 2];
                int[] x3 = tapRows[j + 3];
                int[] x4 = tapRows[j + 4];
                for (int t = 0; t < n; t++) {
                    acc[t] += x0[t] * w0 + x1[t] * w1 + x2[t] * w2 + x3[t] * w3 + x4[t] * w4;
                }
            }
            for (; j + 4 <= taps; j += 4) {
                int w0 = weights[wo + j];
                int w1 = weights[wo + j + 1];
                int w2 = weights[wo + j + 2];
                int w3 = weights[wo + j + 3];
                int[] x0 = tapRows[j];
                int[] x1 = tapRows[j + 1];
                int[] x2 = tapRows[j + 2];
                int[] x3 = tapRows[j + 3];
                for (int t = 0; t < n; t++) {
                    acc[t] += x0[t] * w0 + x1[t] * w1 + x2[t] * w2 + x3[t] * w3;
                }
            }
            for (; j < taps; j++) {
                int w = weights[wo + j];
                int[] xj = tapRows[j];
                for (int t = 0; t < n; t++) {
                    acc[t] += xj[t] * w;
                }
            }
            requantizer.apply(acc, 0, n, f, y, f, filters);
        }
    }

    /** {@link #run} for shapes too large to copy every tap's row: the taps read the padded rows in place. */
    private void runFromPadded(byte[] y) {
        int taps = kernel * channels;
        for (int f = 0; f < filters; f++) {
            System.arraycopy(filterBias, f * steps, acc, 0, steps);
            for (int k = 0; k < kernel; k++) {
                for (int c = 0; c < channels; c++) {
                    int w = weights[f * taps + k * channels + c];
                    int row = c * paddedSteps + k * dilation;
                    for (int t = 0; t < steps; t++) {
                        acc[t] += w * padded[row + t];
                    }
                }
            }
            requantizer.apply(acc, 0, steps, f, y, f, filters);
        }
    }

    int kernel() {
        return kernel;
    }

    int dilation() {
        return dilation;
    }

    int padLeft() {
        return padLeft;
    }

    Requantizer requantizer() {
        return requantizer;
    }

    /** Bias of output position {@code t} and filter {@code f}, the input zero point folded in. */
    int positionBias(int t, int f) {
        return positionBias[t * filters + f];
    }

    /**
     * The weights channel by channel, for the sliding window's per-step partial sums: row c holds, at
     * k * filters + f, the weight of filter f at tap k on channel c.
     */
    int[][] weightsByChannel() {
        int taps = kernel * channels;
        int[][] rows = new int[channels][kernel * filters];
        for (int c = 0; c < channels; c++) {
            for (int k = 0; k < kernel; k++) {
                for (int f = 0; f < filters; f++) {
                    rows[c][k * filters + f] = weights[f * taps + k * channels + c];
                }
            }
        }
        return rows;
    }
}

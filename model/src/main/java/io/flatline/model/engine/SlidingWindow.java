package io.flatline.model.engine;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.arith.Mean;
import io.flatline.model.arith.Requantizer;
import io.flatline.model.tflite.BuiltinOperator;
import io.flatline.model.tflite.OperatorDef;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The model over a window of the last T time steps that slides as steps arrive. For the Conv1D →
 * global-average-pooling shape of the field report's model, a slide of k steps multiplies only the
 * k new steps by the weights (per step and tap, the partial sums over channels), assembles from
 * those partial sums the convolution positions whose taps moved across the window's edges or reach
 * the new steps, and updates the pooling's per-filter sums; the rest of the graph runs as usual.
 * Every other model runs in full on each slide. Either way the output is bit-identical to {@link
 * Interpreter#run} on the same window. Not thread-safe.
 */
public final class SlidingWindow {
    private final Interpreter interpreter;
    private final int steps;
    private final int channels;
    /**
     * The window, time-major. On the incremental path it is a ring of {@link #steps} rows: window
     * step i is in row (head + i) mod T. Otherwise head stays 0 and the window shifts.
     */
    private final byte[] window;
    private int head;
    private final byte[] output;
    // The incremental plan; conv is null when the model does not have the Conv1D → MEAN shape.
    private final Conv1dKernel conv;
    private final Mean mean;
    private final int meanOutput;
    private final Kernel[] tail;
    private final int filters;
    private final int kernel;
    private final int dilation;
    private final int padLeft;
    /** Positions [first, end) have all their taps inside the window; the others touch the padding. */
    private final int first;
    private final int end;
    /** Per channel c, at k * filters + f: the weight of filter f at tap k on channel c. */
    private final int[][] channelWeights;
    /** Per position t, at t * filters + f: the bias, input zero point folded in for the taps in range. */
    private final int[] positionBias;
    private final Requantizer requantizer;
    /**
     * Per window row (same ring as {@link #window}), at k * filters + f: the sum over channels of the
     * step's levels times filter f's weights at tap k. A position's accumulator is its bias plus one
     * such entry per tap, so a new step is multiplied by the weights once, when it arrives.
     */
    private final int[][] partials;
    /**
     * The int8 outputs of the interior positions, at row (head + t) mod T: an interior output depends
     * on the steps alone, not on where the window edges are, so it stays in its row as the window slides.
     */
    private final byte[] interior;
    /** Per filter, the sum of the interior positions' outputs. */
    private final int[] interiorSums;
    private final int[] acc;
    private final int[] sums;

    public SlidingWindow(Model model, Arithmetic arithmetic) {
        this.interpreter = model.newInterpreter(arithmetic);
        List<Integer> shape = model.input().shape();
        if (shape.size() != 3 || shape.get(0) != 1 || model.input().type().bytes() != 1) {
            throw new IllegalArgumentException(
                    "a sliding window needs an int8 input of shape (1, T, C); this model's is "
                    + model.input().type() + shape);
        }
        this.steps = shape.get(1);
        this.channels = shape.get(2);
        this.window = new byte[steps * channels];
        this.output = new byte[model.output().byteSize()];
        Arrays.fill(window, (byte) model.input().zeroPoint());

        Kernel[] kernels = interpreter.kernels();
        List<OperatorDef> ops = interpreter.graph().operators();
        boolean shaped = kernels.length >= 4
                && (ops.get(0).op() == BuiltinOperator.EXPAND_DIMS || ops.get(0).op() == BuiltinOperator.RESHAPE)
                && kernels[1] instanceof Conv1dKernel c && c.steps() == steps && c.channels() == channels
                && ops.get(2).op() == BuiltinOperator.RESHAPE
                && kernels[3] instanceof MeanKernel m && m.reducesTimeOf(steps, c.filters())
                && tailReadsOnlyItsOwn(ops, m.output());
        if (shaped) {
            conv = (Conv1dKernel) kernels[1];
            MeanKernel m = (MeanKernel) kernels[3];
            mean = m.mean();
            meanOutput = m.output();
            tail = Arrays.copyOfRange(kernels, 4, kernels.length);
            filters = conv.filters();
            kernel = conv.kernel();
            dilation = conv.dilation();
            padLeft = conv.padLeft();
            first = conv.firstInterior();
            end = conv.endInterior();
            channelWeights = conv.weightsByChannel();
            positionBias = new int[steps * filters];
            for (int t = 0; t < steps; t++) {
                for (int f = 0; f < filters; f++) {
                    positionBias[t * filters + f] = conv.positionBias(t, f);
                }
            }
            requantizer = conv.requantizer();
            partials = new int[steps][kernel * filters];
            interior = new byte[steps * filters];
            interiorSums = new int[filters];
            acc = new int[filters];
            sums = new int[filters];
        } else {
            conv = null;
            mean = null;
            meanOutput = -1;
            tail = null;
            filters = kernel = dilation = padLeft = first = end = 0;
            channelWeights = null;
            positionBias = null;
            requantizer = null;
            partials = null;
            interior = null;
            interiorSums = acc = sums = null;
        }
        recomputeAll();
    }

    /** The tail must not read the convolution's tensors, which the incremental path does not fill. */
    private boolean tailReadsOnlyItsOwn(List<OperatorDef> ops, int pooled) {
        Set<Integer> available = new HashSet<>(List.of(pooled));
        for (OperatorDef op : ops.subList(4, ops.size())) {
            for (int in : op.inputs()) {
                if (in >= 0 && !available.contains(in) && !interpreter.graph().tensor(in).isConstant()) {
                    return false;
                }
            }
            for (int out : op.outputs()) {
                available.add(out);
            }
        }
        return true;
    }

    public boolean incremental() {
        return conv != null;
    }

    public int steps() {
        return steps;
    }

    public int channels() {
        return channels;
    }

    /** A copy of the current window, time-major. */
    public byte[] window() {
        byte[] copy = new byte[window.length];
        int split = head * channels;
        System.arraycopy(window, split, copy, 0, window.length - split);
        System.arraycopy(window, 0, copy, window.length - split, split);
        return copy;
    }

    /** Replaces the whole window and returns the model's output on it. */
    public byte[] reset(byte[] newWindow) {
        if (newWindow.length != window.length) {
            throw new IllegalArgumentException("a window holds " + window.length + " bytes, not " + newWindow.length);
        }
        System.arraycopy(newWindow, 0, window, 0, window.length);
        head = 0;
        recomputeAll();
        return output.clone();
    }

    /** Appends whole time steps (a multiple of C levels), drops as many of the oldest, returns the output. */
    public byte[] push(byte[] newSteps) {
        if (newSteps.length == 0 || newSteps.length % channels != 0) {
            throw new IllegalArgumentException("push whole time steps: a multiple of " + channels + " bytes, not "
                    + newSteps.length);
        }
        push(newSteps, 0, newSteps.length / channels, output, 0);
        return output.clone();
    }

    /** Allocation-free push of {@code k} steps from {@code src} at {@code offset}; output into {@code out}. */
    public void push(byte[] src, int offset, int k, byte[] out, int outOffset) {
        int fresh = Math.min(k, steps);
        int from = offset + (k - fresh) * channels;
        if (conv == null) {
            int keep = steps - fresh;
            System.arraycopy(window, fresh * channels, window, 0, keep * channels);
            System.arraycopy(src, from, window, keep * channels, fresh * channels);
            interpreter.run(window, 0, output, 0);
        } else if (k < end - first) {
            slide(src, from, k);
        } else {
            // Nothing to reuse: advance the ring and recompute everything.
            // Window step T - fresh + j lands in the row that step j held.
            for (int j = 0; j < fresh; j++) {
                System.arraycopy(src, from + j * channels, window, row(j) * channels, channels);
            }
            head = row(fresh);
            recomputeAll();
        }
        System.arraycopy(output, 0, out, outOffset, output.length);
    }

    /** The ring row of window step i, for 0 <= i <= T. */
    private int row(int i) {
        int r = head + i;
        return r >= steps ? r - steps : r;
    }

    private void recomputeAll() {
        if (conv == null) {
            interpreter.run(window, 0, output, 0);
            return;
        }
        for (int r = 0; r < steps; r++) {
            multiply(r);
        }
        Arrays.fill(interiorSums, 0);
        for (int t = first; t < end; t++) {
            addInterior(t);
        }
        finish();
    }

    /**
     * New position p reuses old position p + k when its taps lie inside the window without touching
     * the k new steps: p in [first, end - k), k < end - first. The old interior positions [first,
     * first + k) leave the sums; the new steps are multiplied by the weights; the new interior
     * positions [end - k, end) and the edge positions are assembled from the partial sums.
     */
    private void slide(byte[] src, int from, int k) {
        int f0 = filters;
        int[] interiorSums = this.interiorSums;
        byte[] interior = this.interior;
        for (int t = first; t < first + k; t++) {
            int o = row(t) * f0;
            for (int f = 0; f < f0; f++) {
                interiorSums[f] -= interior[o + f];
            }
        }
        head = row(k);
        for (int j = 0; j < k; j++) {
            int r = row(steps - k + j);
            System.arraycopy(src, from + j * channels, window, r * channels, channels);
            multiply(r);
        }
        for (int t = end - k; t < end; t++) {
            addInterior(t);
        }
        finish();
    }

    /** The partial sums of ring row r: for every tap and filter, Σ over channels of weight · level. */
    private void multiply(int r) {
        int[] q = partials[r];
        int n = q.length;
        byte[] x = window;
        int xo = r * channels;
        int c = 0;
        if (channels >= 4) {
            int x0 = x[xo];
            int x1 = x[xo + 1];
            int x2 = x[xo + 2];
            int x3 = x[xo + 3];
            int[] w0 = channelWeights[0];
            int[] w1 = channelWeights[1];
            int[] w2 = channelWeights[2];
            int[] w3 = channelWeights[3];
            for (int j = 0; j < n; j++) {
                q[j] = w0[j] * x0 + w1[j] * x1 + w2[j] * x2 + w3[j] * x3;
            }
            c = 4;
        } else {
            Arrays.fill(q, 0);
        }
        for (; c + 4 <= channels; c += 4) {
            int x0 = x[xo + c];
            int x1 = x[xo + c + 1];
            int x2 = x[xo + c + 2];
            int x3 = x[xo + c + 3];
            int[] w0 = channelWeights[c];
            int[] w1 = channelWeights[c + 1];
            int[] w2 = channelWeights[c + 2];
            int[] w3 = channelWeights[c + 3];
            for (int j = 0; j < n; j++) {
                q[j] += w0[j] * x0 + w1[j] * x1 + w2[j] * x2 + w3[j] * x3;
            }
        }
        for (; c < channels; c++) {
            int xc = x[xo + c];
            int[] w = channelWeights[c];
            for (int j = 0; j < n; j++) {
                q[j] += w[j] * xc;
            }
        }
    }

    /** Accumulators of position t for every filter into {@link #acc}: bias plus the taps in range. */
    private void accumulate(int t) {
        int f0 = filters;
        int[] acc = this.acc;
        int[] bias = positionBias;
        int bo = t * f0;
        for (int f = 0; f < f0; f++) {
            acc[f] = bias[bo + f];
        }
        int base = t - padLeft;
        int k0 = base >= 0 ? 0 : (-base + dilation - 1) / dilation;
        int k1 = Math.min(kernel, (steps - 1 - base) / dilation + 1);
        for (int k = k0; k < k1; k++) {
            int[] q = partials[row(base + k * dilation)];
            int o = k * f0;
            for (int f = 0; f < f0; f++) {
                acc[f] += q[o + f];
            }
        }
    }

    private void addInterior(int t) {
        accumulate(t);
        int o = row(t) * filters;
        for (int f = 0; f < filters; f++) {
            int y = requantizer.apply(acc[f], f);
            interior[o + f] = (byte) y;
            interiorSums[f] += (byte) y;
        }
    }

    private void addEdge(int t) {
        accumulate(t);
        for (int f = 0; f < filters; f++) {
            sums[f] += (byte) requantizer.apply(acc[f], f);
        }
    }

    private void finish() {
        System.arraycopy(interiorSums, 0, sums, 0, filters);
        int leftEdge = Math.min(first, steps);
        for (int t = 0; t < leftEdge; t++) {
            addEdge(t);
        }
        for (int t = Math.max(end, leftEdge); t < steps; t++) {
            addEdge(t);
        }
        Object[] slots = interpreter.slots();
        byte[] pooled = (byte[]) slots[meanOutput];
        for (int f = 0; f < filters; f++) {
            pooled[f] = (byte) mean.apply(sums[f]);
        }
        for (Kernel kernel : tail) {
            kernel.run(slots);
        }
        interpreter.store(output, 0);
    }
}

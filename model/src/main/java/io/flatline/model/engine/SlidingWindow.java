package io.flatline.model.engine;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.arith.Mean;
import io.flatline.model.tflite.BuiltinOperator;
import io.flatline.model.tflite.OperatorDef;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The model over a window of the last T time steps that slides as steps arrive. For the Conv1D →
 * global-average-pooling shape of the field report's model, a slide of k steps recomputes only the
 * convolution positions whose taps moved across the window's edges or reach the new steps, and
 * updates the pooling's per-filter sums; the rest of the graph runs as usual. Every other model
 * runs in full on each slide. Either way the output is bit-identical to {@link Interpreter#run}
 * on the same window. Not thread-safe.
 */
public final class SlidingWindow {
    private final Interpreter interpreter;
    private final int steps;
    private final int channels;
    private final byte[] window;
    private final byte[] output;
    // The incremental plan; null when the model does not have the Conv1D → MEAN shape.
    private final Conv1dKernel conv;
    private final Mean mean;
    private final int meanOutput;
    private final List<Kernel> tail;
    private final int[] levels;
    private final byte[] convRows;
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
            tail = List.of(kernels).subList(4, kernels.length);
            levels = new int[steps * channels];
            convRows = new byte[steps * conv.filters()];
            sums = new int[conv.filters()];
        } else {
            conv = null;
            mean = null;
            meanOutput = -1;
            tail = List.of();
            levels = null;
            convRows = null;
            sums = null;
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
        return window.clone();
    }

    /** Replaces the whole window and returns the model's output on it. */
    public byte[] reset(byte[] newWindow) {
        if (newWindow.length != window.length) {
            throw new IllegalArgumentException("a window holds " + window.length + " bytes, not " + newWindow.length);
        }
        System.arraycopy(newWindow, 0, window, 0, window.length);
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
        int keep = Math.max(0, steps - k);
        if (keep > 0) {
            System.arraycopy(window, k * channels, window, 0, keep * channels);
        }
        int fresh = Math.min(k, steps);
        System.arraycopy(src, offset + (k - fresh) * channels, window, keep * channels, fresh * channels);
        if (conv == null || conv.endInterior() - k <= conv.firstInterior()) {
            recomputeAll();
        } else {
            slide(k);
        }
        System.arraycopy(output, 0, out, outOffset, output.length);
    }

    private void recomputeAll() {
        if (conv == null) {
            interpreter.run(window, 0, output, 0);
            return;
        }
        for (int i = 0; i < levels.length; i++) {
            levels[i] = window[i];
        }
        Arrays.fill(sums, 0);
        for (int t = 0; t < steps; t++) {
            computeRow(t);
        }
        finish();
    }

    /**
     * New position p reuses old position p + k when its taps lie inside the window without touching
     * the k new steps: p in [firstInterior, endInterior - k). Everything else is recomputed.
     */
    private void slide(int k) {
        int filters = conv.filters();
        int first = conv.firstInterior();
        int end = conv.endInterior();
        for (int t = 0; t < first + k; t++) {
            subtractRow(t);
        }
        for (int t = end; t < steps; t++) {
            subtractRow(t);
        }
        System.arraycopy(levels, k * channels, levels, 0, (steps - k) * channels);
        for (int i = (steps - k) * channels; i < levels.length; i++) {
            levels[i] = window[i];
        }
        System.arraycopy(convRows, (first + k) * filters, convRows, first * filters, (end - first - k) * filters);
        for (int t = 0; t < first; t++) {
            computeRow(t);
        }
        for (int t = end - k; t < steps; t++) {
            computeRow(t);
        }
        finish();
    }

    private void subtractRow(int t) {
        int filters = conv.filters();
        for (int f = 0; f < filters; f++) {
            sums[f] -= convRows[t * filters + f];
        }
    }

    private void computeRow(int t) {
        int filters = conv.filters();
        conv.position(levels, t, convRows, t * filters);
        for (int f = 0; f < filters; f++) {
            sums[f] += convRows[t * filters + f];
        }
    }

    private void finish() {
        Object[] slots = interpreter.slots();
        byte[] pooled = (byte[]) slots[meanOutput];
        for (int f = 0; f < pooled.length; f++) {
            pooled[f] = (byte) mean.apply(sums[f]);
        }
        for (Kernel kernel : tail) {
            kernel.run(slots);
        }
        interpreter.store(output, 0);
    }
}

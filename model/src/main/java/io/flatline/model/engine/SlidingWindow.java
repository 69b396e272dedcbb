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
    /** How many positions touch the SAME padding: these are reassembled on every slide. */
    private final int edgeCount;
    /**
     * How to assemble each position, the interior ones [first, end) in order, then the edge ones: its
     * bias offset (into {@link #positionBias}), its number of taps n, then n offsets into {@link
     * #partials} relative to row {@link #head}. The positions a slide of k assembles, [end − k, end)
     * and the edges, are the plan's last k + {@link #edgeCount} entries, from {@link #planStart}[end − k − first].
     */
    private final int[] plan;
    private final int[] planStart;
    private final Requantizer requantizer;
    /**
     * Per window row r (same ring as {@link #window}), at r * kernel * filters + k * filters + f, and
     * again at row r + T: the sum over channels of the step's levels times filter f's weights at tap
     * k. A position's accumulator is its bias plus one such entry per tap, so a new step is
     * multiplied by the weights once, when it arrives. Stored twice, window step i's entries are at row
     * head + i without wrapping, so a position's offsets are fixed relative to head.
     */
    private final int[] partials;
    /** The pooled tensor (the MEAN's output slot), read by {@link #tail}. */
    private final byte[] pooled;
    private final Object[] slots;
    /** The int8 outputs of the positions assembled in one update, position-major like {@link #acc}. */
    private final byte[] levels;
    /** The SIMD assembly (8 filters, the Vector API module present and enabled), else null. */
    private final SlidingVector vector;
    /**
     * With {@link #vector}, when the tail starts with a one-row FULLY_CONNECTED of the pooled filters
     * into at most 8 units whose requantization runs in lanes: it in SIMD ({@link SlidingVector#dense}),
     * with its transposed weights, folded bias and output slot; else null.
     */
    private final SlidingVector dense;
    private final int[] denseWeights;
    private final int[] denseBias;
    private final byte[] denseOutput;
    private final int denseUnits;
    /** For {@link #vector}: {@link #channelWeights} in one array, channel-major. */
    private final int[] flatWeights;
    /** For {@link #vector} with the float requantization: the int8 outputs as ints. */
    private final int[] levelInts;
    /**
     * The int8 outputs of the interior positions, at row (head + t) mod T: an interior output depends
     * on the steps alone, not on where the window edges are, so it stays in its row as the window slides.
     */
    private final byte[] interior;
    /** Per filter, the sum of the interior positions' outputs. */
    private final int[] interiorSums;
    /** The accumulators of the positions assembled in one update: slot s's filter f at s * filters + f. */
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
            int leftEdge = Math.min(first, steps);
            int rightEdge = Math.max(end, leftEdge);
            edgeCount = leftEdge + steps - rightEdge;
            int interiorCount = Math.max(0, end - first);
            plan = new int[steps * (2 + kernel)];
            planStart = new int[interiorCount + 1];
            int p = 0;
            for (int i = 0; i < interiorCount; i++) {
                planStart[i] = p;
                p = planPosition(first + i, p);
            }
            planStart[interiorCount] = p;
            for (int t = 0; t < leftEdge; t++) {
                p = planPosition(t, p);
            }
            for (int t = rightEdge; t < steps; t++) {
                p = planPosition(t, p);
            }
            requantizer = conv.requantizer();
            partials = new int[2 * steps * kernel * filters];
            interior = new byte[steps * filters];
            interiorSums = new int[filters];
            acc = new int[steps * filters];
            levels = new byte[steps * filters];
            sums = new int[filters];
            slots = interpreter.slots();
            pooled = (byte[]) slots[meanOutput];
            vector = filters == SlidingVector.FILTERS && conv.vectorized()
                    ? new SlidingVector(requantizer, mean)
                    : null;
            flatWeights = vector == null ? null : new int[channels * kernel * filters];
            for (int c = 0; vector != null && c < channels; c++) {
                System.arraycopy(channelWeights[c], 0, flatWeights, c * kernel * filters, kernel * filters);
            }
            levelInts = vector == null ? null : new int[steps * filters];
            SlidingVector d = null;
            FullyConnectedKernel fc = vector != null && tail.length > 0 && tail[0] instanceof FullyConnectedKernel k
                    && k.input() == meanOutput && k.depth() == filters ? k : null;
            int[] t = fc == null ? null : fc.transposedWeights(SlidingVector.FILTERS);
            if (t != null && channelsAtLeast(fc.requantizer(), fc.units())) {
                d = new SlidingVector(fc.requantizer(), null);
                if (!d.requantizes()) {
                    d = null;
                }
            }
            dense = d;
            denseWeights = d == null ? null : t;
            denseBias = d == null ? null : fc.foldedBias(SlidingVector.FILTERS);
            denseOutput = d == null ? null : (byte[]) slots[fc.output()];
            denseUnits = d == null ? 0 : fc.units();
        } else {
            conv = null;
            mean = null;
            meanOutput = -1;
            tail = null;
            filters = kernel = dilation = padLeft = first = end = 0;
            channelWeights = null;
            positionBias = null;
            edgeCount = 0;
            plan = planStart = null;
            requantizer = null;
            partials = null;
            interior = null;
            interiorSums = acc = sums = null;
            levels = pooled = null;
            slots = null;
            vector = null;
            flatWeights = levelInts = null;
            dense = null;
            denseWeights = denseBias = null;
            denseOutput = null;
            denseUnits = 0;
        }
        recomputeAll(output, 0);
    }

    /** Whether the requantizer has a multiplier for each of the first {@code units} channels. */
    private static boolean channelsAtLeast(Requantizer rq, int units) {
        return rq instanceof Requantizer.FloatMultiplier f ? f.scales().length >= units
                : rq instanceof Requantizer.FixedPointMultiplier x && x.multipliers().length >= units
                        && x.shifts().length >= units;
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
        recomputeAll(output, 0);
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
            interpreter.run(window, 0, out, outOffset);
        } else if (k < end - first) {
            slide(src, from, k, out, outOffset);
        } else {
            // Nothing to reuse: advance the ring and recompute everything.
            // Window step T - fresh + j lands in the row that step j held.
            for (int j = 0; j < fresh; j++) {
                System.arraycopy(src, from + j * channels, window, row(j) * channels, channels);
            }
            head = row(fresh);
            recomputeAll(out, outOffset);
        }
    }

    /** The ring row of window step i, for 0 <= i <= T. */
    private int row(int i) {
        int r = head + i;
        return r >= steps ? r - steps : r;
    }

    private void recomputeAll(byte[] out, int outOffset) {
        if (conv == null) {
            interpreter.run(window, 0, out, outOffset);
            return;
        }
        for (int r = 0; r < steps; r++) {
            multiply(r);
        }
        Arrays.fill(interiorSums, 0);
        update(first, Math.max(0, end - first), out, outOffset);
    }

    /**
     * New position p reuses old position p + k when its taps lie inside the window without touching
     * the k new steps: p in [first, end - k), k < end - first. The old interior positions [first,
     * first + k) leave the sums; the new steps are multiplied by the weights; the new interior
     * positions [end - k, end) and the edge positions are assembled from the partial sums.
     */
    private void slide(byte[] src, int from, int k, byte[] out, int outOffset) {
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
        update(end - k, k, out, outOffset);
    }

    /** The partial sums of ring row r: for every tap and filter, Σ over channels of weight · level. */
    private void multiply(int r) {
        int[] q = partials;
        int n = kernel * filters;
        int qo = r * n;
        if (vector != null) {
            vector.multiply(window, r * channels, channels, flatWeights, n, q, qo, qo + steps * n);
            return;
        }
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
                q[qo + j] = w0[j] * x0 + w1[j] * x1 + w2[j] * x2 + w3[j] * x3;
            }
            c = 4;
        } else {
            Arrays.fill(q, qo, qo + n, 0);
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
                q[qo + j] += w0[j] * x0 + w1[j] * x1 + w2[j] * x2 + w3[j] * x3;
            }
        }
        for (; c < channels; c++) {
            int xc = x[xo + c];
            int[] w = channelWeights[c];
            for (int j = 0; j < n; j++) {
                q[qo + j] += w[j] * xc;
            }
        }
        System.arraycopy(q, qo, q, qo + steps * n, n);
    }

    /**
     * Accumulators of the plan's positions from entry p on, {@code count} of them, into {@link #acc}
     * (slot s at s * filters): bias plus the taps in range.
     */
    private void assemble(int p, int count) {
        int f0 = filters;
        int[] acc = this.acc;
        int[] q = partials;
        int[] plan = this.plan;
        int shift = head * kernel * f0;
        for (int a = 0; a < count * f0; a += f0) {
            System.arraycopy(positionBias, plan[p], acc, a, f0);
            int n = plan[p + 1];
            p += 2;
            for (int end = p + n; p < end; p++) {
                int o = plan[p] + shift;
                for (int f = 0; f < f0; f++) {
                    acc[a + f] += q[o + f];
                }
            }
        }
    }

    /** Appends position t's entry to {@link #plan} at p (constructor); returns the next entry's index. */
    private int planPosition(int t, int p) {
        int f0 = filters;
        int kf = kernel * f0;
        int base = t - padLeft;
        int k0 = base >= 0 ? 0 : (-base + dilation - 1) / dilation;
        int k1 = Math.min(kernel, (steps - 1 - base) / dilation + 1);
        plan[p] = t * f0;
        plan[p + 1] = Math.max(0, k1 - k0);
        p += 2;
        for (int k = k0; k < k1; k++) {
            plan[p++] = (base + k * dilation) * kf + k * f0;
        }
        return p;
    }

    /** {@link #update} with {@link #vector}. */
    private void updateVector(int from, int n, byte[] out, int outOffset) {
        int f0 = filters;
        int p = planStart[from - first];
        int count = n + edgeCount;
        int shift = head * kernel * f0;
        int[] sums = this.sums;
        int[] interiorSums = this.interiorSums;
        if (vector.requantizes()) {
            int[] y = levelInts;
            vector.assemble(plan, p, count, positionBias, partials, shift, y);
            for (int i = 0; i < n; i++) {
                int o = row(from + i) * f0;
                for (int f = 0; f < f0; f++) {
                    interior[o + f] = (byte) y[i * f0 + f];
                    interiorSums[f] += y[i * f0 + f];
                }
            }
            if (vector.pools()) {
                vector.pool(y, n, count, interiorSums, pooled);
                runTail(out, outOffset);
                return;
            }
            System.arraycopy(interiorSums, 0, sums, 0, f0);
            for (int e = n * f0; e < count * f0; e += f0) {
                for (int f = 0; f < f0; f++) {
                    sums[f] += y[e + f];
                }
            }
        } else {
            vector.sum(plan, p, count, positionBias, partials, shift, acc);
            byte[] levels = this.levels;
            requantizer.applyRows(acc, count, f0, levels, 0);
            for (int i = 0; i < n; i++) {
                int o = row(from + i) * f0;
                System.arraycopy(levels, i * f0, interior, o, f0);
                for (int f = 0; f < f0; f++) {
                    interiorSums[f] += levels[i * f0 + f];
                }
            }
            System.arraycopy(interiorSums, 0, sums, 0, f0);
            for (int e = n * f0; e < count * f0; e += f0) {
                for (int f = 0; f < f0; f++) {
                    sums[f] += levels[e + f];
                }
            }
        }
        finish(out, outOffset);
    }

    /** MEAN of the per-filter sums, then the tail. */
    private void finish(byte[] out, int outOffset) {
        for (int f = 0; f < filters; f++) {
            pooled[f] = (byte) mean.apply(sums[f]);
        }
        runTail(out, outOffset);
    }

    /** The kernels after MEAN, on {@link #pooled}; the graph output into {@code out}. */
    private void runTail(byte[] out, int outOffset) {
        Kernel[] tail = this.tail;
        int i = 0;
        if (dense != null) {
            dense.dense(pooled, filters, denseWeights, denseBias, denseOutput, denseUnits);
            i = 1;
        }
        for (; i < tail.length; i++) {
            tail[i].run(slots);
        }
        interpreter.store(out, outOffset);
    }

    /**
     * Assembles the interior positions [from, from + n) and the edge positions, requantizes them in
     * one call, keeps the interior ones in their rows and sums, and runs MEAN and the tail.
     */
    private void update(int from, int n, byte[] out, int outOffset) {
        if (vector != null) {
            updateVector(from, n, out, outOffset);
            return;
        }
        int f0 = filters;
        int count = n + edgeCount;
        assemble(planStart[from - first], count);
        int a = count * f0;
        byte[] levels = this.levels;
        requantizer.applyRows(acc, a / f0, f0, levels, 0);
        int[] interiorSums = this.interiorSums;
        for (int i = 0; i < n; i++) {
            int o = row(from + i) * f0;
            System.arraycopy(levels, i * f0, interior, o, f0);
            for (int f = 0; f < f0; f++) {
                interiorSums[f] += levels[i * f0 + f];
            }
        }
        int[] sums = this.sums;
        System.arraycopy(interiorSums, 0, sums, 0, f0);
        for (int e = n * f0; e < a; e += f0) {
            for (int f = 0; f < f0; f++) {
                sums[f] += levels[e + f];
            }
        }
        finish(out, outOffset);
    }
}

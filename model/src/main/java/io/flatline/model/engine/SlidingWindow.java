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
 *
 * <p>A window holds only its own state: its rows and what the incremental path keeps of them. The compiled
 * graph, the incremental plan and the buffers one update works in are a {@link Workspace}, which the windows
 * used by one thread share (for the seed model, measured on the heap: a workspace 48 KB, a window 17 KB;
 * a window with a workspace of its own took 65 KB).
 */
public final class SlidingWindow {
    private final Workspace ws;
    /**
     * The window, time-major. On the incremental path it is a ring of {@link Workspace#steps} rows: window
     * step i is in row (head + i) mod T. Otherwise head stays 0 and the window shifts.
     */
    private final byte[] window;
    private int head;
    private final byte[] output;
    /**
     * Per window row r (same ring as {@link #window}), at r * kernel * filters + k * filters + f, and
     * again at row r + T: the sum over channels of the step's levels times filter f's weights at tap
     * k. A position's accumulator is its bias plus one such entry per tap, so a new step is
     * multiplied by the weights once, when it arrives. Stored twice, window step i's entries are at row
     * head + i without wrapping, so a position's offsets are fixed relative to head.
     */
    private final int[] partials;
    /**
     * The int8 outputs of the interior positions, at row (head + t) mod T: an interior output depends
     * on the steps alone, not on where the window edges are, so it stays in its row as the window slides.
     */
    private final byte[] interior;
    /** Per filter, the sum of the interior positions' outputs. */
    private final int[] interiorSums;

    /** A window with a workspace of its own. */
    public SlidingWindow(Model model, Arithmetic arithmetic) {
        this(new Workspace(model, arithmetic));
    }

    private SlidingWindow(Workspace ws) {
        this.ws = ws;
        this.window = new byte[ws.steps * ws.channels];
        this.output = new byte[ws.outputBytes];
        Arrays.fill(window, ws.zeroPoint);
        boolean incremental = ws.conv != null;
        this.partials = incremental ? new int[2 * ws.steps * ws.kernel * ws.filters] : null;
        this.interior = incremental ? new byte[ws.steps * ws.filters] : null;
        this.interiorSums = incremental ? new int[ws.filters] : null;
        recomputeAll(output, 0);
    }

    /**
     * What the windows of one model share: the compiled graph, the incremental plan (constant), and the
     * buffers one update works in. Not thread-safe: the windows of one workspace must not run at the same time.
     */
    public static final class Workspace {
        private final Interpreter interpreter;
        private final int steps;
        private final int channels;
        private final byte zeroPoint;
        private final int outputBytes;
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
         * bias offset (into {@link #positionBias}), its number of taps n, then n offsets into a window's
         * partial sums relative to its head row. The positions a slide of k assembles, [end − k, end) and
         * the edges, are the plan's last k + {@link #edgeCount} entries, from {@link #planStart}[end − k − first].
         */
        private final int[] plan;
        private final int[] planStart;
        private final Requantizer requantizer;
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
        /** The accumulators of the positions assembled in one update: slot s's filter f at s * filters + f. */
        private final int[] acc;
        private final int[] sums;

        public Workspace(Model model, Arithmetic arithmetic) {
            this.interpreter = model.newInterpreter(arithmetic);
            List<Integer> shape = model.input().shape();
            if (shape.size() != 3 || shape.get(0) != 1 || model.input().type().bytes() != 1) {
                throw new IllegalArgumentException(
                        "a sliding window needs an int8 input of shape (1, T, C); this model's is "
                        + model.input().type() + shape);
            }
            this.steps = shape.get(1);
            this.channels = shape.get(2);
            this.zeroPoint = (byte) model.input().zeroPoint();
            this.outputBytes = model.output().byteSize();

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
                acc = sums = null;
                levels = pooled = null;
                slots = null;
                vector = null;
                flatWeights = levelInts = null;
                dense = null;
                denseWeights = denseBias = null;
                denseOutput = null;
                denseUnits = 0;
            }
        }


        /** A window of this workspace's model, filled with the input zero point. */
        public SlidingWindow newWindow() {
            return new SlidingWindow(this);
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
    }

    public boolean incremental() {
        return ws.conv != null;
    }

    public int steps() {
        return ws.steps;
    }

    public int channels() {
        return ws.channels;
    }

    /** A copy of the current window, time-major. */
    public byte[] window() {
        byte[] copy = new byte[window.length];
        int split = head * ws.channels;
        System.arraycopy(window, split, copy, 0, window.length - split);
        System.arraycopy(window, 0, copy, window.length - split, split);
        return copy;
    }

    /**
     * Whether {@code next}, a whole window, is this one slid by {@code k} steps: its first T − k steps are this
     * window's last T − k. Compared in place, without copying the ring.
     */
    public boolean slidBy(byte[] next, int k) {
        int kept = (ws.steps - k) * ws.channels;
        if (k <= 0 || kept <= 0 || next.length != window.length) {
            return false;
        }
        int start = row(k) * ws.channels;
        int firstRun = Math.min(kept, window.length - start);
        return Arrays.equals(window, start, start + firstRun, next, 0, firstRun)
                && Arrays.equals(window, 0, kept - firstRun, next, firstRun, kept);
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
        int channels = ws.channels;
        if (newSteps.length == 0 || newSteps.length % channels != 0) {
            throw new IllegalArgumentException("push whole time steps: a multiple of " + channels + " bytes, not "
                    + newSteps.length);
        }
        push(newSteps, 0, newSteps.length / channels, output, 0);
        return output.clone();
    }

    /** Allocation-free push of {@code k} steps from {@code src} at {@code offset}; output into {@code out}. */
    public void push(byte[] src, int offset, int k, byte[] out, int outOffset) {
        int steps = ws.steps;
        int channels = ws.channels;
        int fresh = Math.min(k, steps);
        int from = offset + (k - fresh) * channels;
        if (ws.conv == null) {
            int keep = steps - fresh;
            System.arraycopy(window, fresh * channels, window, 0, keep * channels);
            System.arraycopy(src, from, window, keep * channels, fresh * channels);
            ws.interpreter.run(window, 0, out, outOffset);
        } else if (k < ws.end - ws.first) {
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
        return r >= ws.steps ? r - ws.steps : r;
    }

    private void recomputeAll(byte[] out, int outOffset) {
        if (ws.conv == null) {
            ws.interpreter.run(window, 0, out, outOffset);
            return;
        }
        for (int r = 0; r < ws.steps; r++) {
            multiply(r);
        }
        Arrays.fill(interiorSums, 0);
        update(ws.first, Math.max(0, ws.end - ws.first), out, outOffset);
    }

    /**
     * New position p reuses old position p + k when its taps lie inside the window without touching
     * the k new steps: p in [first, end - k), k < end - first. The old interior positions [first,
     * first + k) leave the sums; the new steps are multiplied by the weights; the new interior
     * positions [end - k, end) and the edge positions are assembled from the partial sums.
     */
    private void slide(byte[] src, int from, int k, byte[] out, int outOffset) {
        int f0 = ws.filters;
        int first = ws.first;
        int channels = ws.channels;
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
            int r = row(ws.steps - k + j);
            System.arraycopy(src, from + j * channels, window, r * channels, channels);
            multiply(r);
        }
        update(ws.end - k, k, out, outOffset);
    }

    /** The partial sums of ring row r: for every tap and filter, Σ over channels of weight · level. */
    private void multiply(int r) {
        int[] q = partials;
        int channels = ws.channels;
        int n = ws.kernel * ws.filters;
        int qo = r * n;
        if (ws.vector != null) {
            ws.vector.multiply(window, r * channels, channels, ws.flatWeights, n, q, qo, qo + ws.steps * n);
            return;
        }
        int[][] channelWeights = ws.channelWeights;
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
        System.arraycopy(q, qo, q, qo + ws.steps * n, n);
    }

    /**
     * Accumulators of the plan's positions from entry p on, {@code count} of them, into the workspace's
     * accumulators (slot s at s * filters): bias plus the taps in range.
     */
    private void assemble(int p, int count) {
        int f0 = ws.filters;
        int[] acc = ws.acc;
        int[] q = partials;
        int[] plan = ws.plan;
        int[] positionBias = ws.positionBias;
        int shift = head * ws.kernel * f0;
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

    /** {@link #update} with the workspace's SIMD assembly. */
    private void updateVector(int from, int n, byte[] out, int outOffset) {
        Workspace ws = this.ws;
        int f0 = ws.filters;
        int p = ws.planStart[from - ws.first];
        int count = n + ws.edgeCount;
        int shift = head * ws.kernel * f0;
        int[] sums = ws.sums;
        int[] interiorSums = this.interiorSums;
        byte[] interior = this.interior;
        if (ws.vector.requantizes()) {
            int[] y = ws.levelInts;
            ws.vector.assemble(ws.plan, p, count, ws.positionBias, partials, shift, y);
            for (int i = 0; i < n; i++) {
                int o = row(from + i) * f0;
                for (int f = 0; f < f0; f++) {
                    interior[o + f] = (byte) y[i * f0 + f];
                    interiorSums[f] += y[i * f0 + f];
                }
            }
            if (ws.vector.pools()) {
                ws.vector.pool(y, n, count, interiorSums, ws.pooled);
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
            ws.vector.sum(ws.plan, p, count, ws.positionBias, partials, shift, ws.acc);
            byte[] levels = ws.levels;
            ws.requantizer.applyRows(ws.acc, count, f0, levels, 0);
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
        for (int f = 0; f < ws.filters; f++) {
            ws.pooled[f] = (byte) ws.mean.apply(ws.sums[f]);
        }
        runTail(out, outOffset);
    }

    /** The kernels after MEAN, on the pooled tensor; the graph output into {@code out}. */
    private void runTail(byte[] out, int outOffset) {
        Kernel[] tail = ws.tail;
        int i = 0;
        if (ws.dense != null) {
            ws.dense.dense(ws.pooled, ws.filters, ws.denseWeights, ws.denseBias, ws.denseOutput, ws.denseUnits);
            i = 1;
        }
        for (; i < tail.length; i++) {
            tail[i].run(ws.slots);
        }
        ws.interpreter.store(out, outOffset);
    }

    /**
     * Assembles the interior positions [from, from + n) and the edge positions, requantizes them in
     * one call, keeps the interior ones in their rows and sums, and runs MEAN and the tail.
     */
    private void update(int from, int n, byte[] out, int outOffset) {
        if (ws.vector != null) {
            updateVector(from, n, out, outOffset);
            return;
        }
        int f0 = ws.filters;
        int count = n + ws.edgeCount;
        assemble(ws.planStart[from - ws.first], count);
        int a = count * f0;
        byte[] levels = ws.levels;
        ws.requantizer.applyRows(ws.acc, a / f0, f0, levels, 0);
        int[] interiorSums = this.interiorSums;
        for (int i = 0; i < n; i++) {
            int o = row(from + i) * f0;
            System.arraycopy(levels, i * f0, interior, o, f0);
            for (int f = 0; f < f0; f++) {
                interiorSums[f] += levels[i * f0 + f];
            }
        }
        int[] sums = ws.sums;
        System.arraycopy(interiorSums, 0, sums, 0, f0);
        for (int e = n * f0; e < a; e += f0) {
            for (int f = 0; f < f0; f++) {
                sums[f] += levels[e + f];
            }
        }
        finish(out, outOffset);
    }
}

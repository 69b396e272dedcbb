package io.flatline.model.engine;

import static io.flatline.model.engine.Checks.scale;
import static io.flatline.model.engine.Checks.where;
import static io.flatline.model.engine.Checks.zeroPoint;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.arith.Mean;
import io.flatline.model.arith.Requantizer;
import io.flatline.model.arith.Softmax;
import io.flatline.model.tflite.BuiltinOperator;
import io.flatline.model.tflite.OperatorDef;
import io.flatline.model.tflite.Options;
import io.flatline.model.tflite.Quantization;
import io.flatline.model.tflite.TensorDef;
import io.flatline.model.tflite.TensorType;
import io.flatline.model.tflite.TfliteModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks a model operator by operator and compiles each into a {@link Kernel} for one arithmetic.
 * Every problem found is collected, so one error message names all of them.
 */
final class Compiler {
    private final TfliteModel model;
    private final Arithmetic arithmetic;
    private final List<String> problems = new ArrayList<>();
    private final Checks checks;

    private Compiler(TfliteModel model, Arithmetic arithmetic) {
        this.model = model;
        this.arithmetic = arithmetic;
        this.checks = new Checks(model, arithmetic, problems);
    }

    /** The kernels in execution order, or the list of reasons the model cannot run. */
    static Kernel[] compile(TfliteModel model, Arithmetic arithmetic) throws UnsupportedModelException {
        Compiler c = new Compiler(model, arithmetic);
        Kernel[] kernels = c.compileAll();
        if (!c.problems.isEmpty()) {
            throw new UnsupportedModelException(c.problems);
        }
        return kernels;
    }

    /** Reasons the model cannot run; empty when it can. */
    static List<String> problems(TfliteModel model) {
        Compiler c = new Compiler(model, Arithmetic.LITERT);
        c.compileAll();
        return List.copyOf(c.problems);
    }

    private Kernel[] compileAll() {
        checkBudget();
        if (!problems.isEmpty()) {
            return new Kernel[0];
        }
        // Every operator is still checked when the graph's wiring is wrong, so that one message names
        // the operators at fault too (a variable tensor's reader, say).
        checkGraphInterface();
        Kernel[] kernels = new Kernel[model.operators().size()];
        for (OperatorDef op : model.operators()) {
            int before = problems.size();
            try {
                kernels[op.index()] = compile(op);
            } catch (RuntimeException e) {
                // A malformed option or shape the checks did not foresee: report it like any other problem.
                problems.add(where(op) + ": " + e.getMessage());
            }
            if (kernels[op.index()] == null && problems.size() == before) {
                problems.add(where(op) + " cannot be compiled");
            }
        }
        return kernels;
    }

    /** Bounds that keep a hostile file from exhausting memory or time: far above any board's model. */
    static final long MAX_ACTIVATION_ELEMENTS = 1L << 26;
    static final long MAX_WORK = 1L << 32;

    private void checkBudget() {
        long activations = 0;
        for (TensorDef t : model.tensors()) {
            activations += t.isConstant() ? 0 : t.elementCount();
        }
        if (activations > MAX_ACTIVATION_ELEMENTS) {
            problems.add("the graph's tensors hold " + activations + " elements; the engine allocates at most "
                    + MAX_ACTIVATION_ELEMENTS);
        }
    }

    private void spend(OperatorDef op, long work) {
        totalWork += work;
        if (totalWork > MAX_WORK && totalWork - work <= MAX_WORK) {
            problems.add(where(op) + " brings the work of one inference above " + MAX_WORK
                    + " multiply-accumulates; the engine refuses models that large");
        }
    }

    private long totalWork;

    private void checkGraphInterface() {
        if (model.inputs().length != 1 || model.outputs().length != 1) {
            problems.add("the graph has " + model.inputs().length + " inputs and " + model.outputs().length
                    + " outputs; the engine runs graphs with exactly one of each");
        }
        for (int i : concat(model.inputs(), model.outputs())) {
            TensorDef t = model.tensor(i);
            if (t.type() != TensorType.INT8 && t.type() != TensorType.FLOAT32) {
                problems.add("graph input/output " + t.describe() + " has type " + t.type()
                        + "; expected INT8 or FLOAT32");
            } else if (t.type() == TensorType.INT8 && !t.quantization().isPresent()) {
                problems.add("graph input/output " + t.describe() + " has no quantization parameters");
            }
        }
        boolean[] produced = new boolean[model.tensors().size()];
        for (int i : model.inputs()) {
            produced[i] = true;
        }
        for (OperatorDef op : model.operators()) {
            for (int in : op.inputs()) {
                if (in >= 0 && model.tensor(in).variable()) {
                    problems.add(where(op) + " reads the variable " + model.tensor(in).describe()
                            + ": state kept from one inference to the next (LSTM, SVDF); the engine runs "
                            + "stateless graphs only");
                } else if (in >= 0 && !produced[in] && !model.tensor(in).isConstant()) {
                    problems.add(where(op) + " reads " + model.tensor(in).describe()
                            + " before any operator writes it (operators must be in execution order)");
                }
            }
            for (int out : op.outputs()) {
                if (model.tensor(out).isConstant()) {
                    problems.add(where(op) + " writes the constant " + model.tensor(out).describe());
                }
                produced[out] = true;
            }
        }
        for (int o : model.outputs()) {
            if (!produced[o]) {
                problems.add("graph output " + model.tensor(o).describe() + " is never written");
            }
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private Kernel compile(OperatorDef op) {
        return switch (op.op()) {
            case EXPAND_DIMS, RESHAPE, SQUEEZE -> alias(op);
            case CONV_2D, DEPTHWISE_CONV_2D -> convolution(op);
            case MAX_POOL_2D, AVERAGE_POOL_2D -> pool(op);
            case MEAN -> mean(op);
            case FULLY_CONNECTED -> fullyConnected(op);
            case SOFTMAX -> softmax(op);
            case ADD -> AddKernel.prepare(op, checks);
            case MUL -> MulKernel.prepare(op, checks);
            case PAD, PADV2 -> PadKernel.prepare(op, checks);
            case TRANSPOSE -> TransposeKernel.prepare(op, checks);
            case CONCATENATION -> ConcatenationKernel.prepare(op, checks);
            case STRIDED_SLICE -> StridedSliceKernel.prepare(op, checks);
            case LOGISTIC, TANH -> LookupKernel.prepare(op, checks);
            case QUANTIZE -> quantize(op);
            case DEQUANTIZE -> dequantize(op);
            case UNKNOWN -> {
                problems.add(where(op) + " is not supported");
                yield null;
            }
        };
    }

    // ---- checks -------------------------------------------------------------------------------

    /** Int8 symmetric weights with one scale per output channel or one for all. */
    private float[] weightScales(OperatorDef op, TensorDef w, int channels, int channelAxis) {
        if (w.type() != TensorType.INT8 || !w.isConstant()) {
            problems.add(where(op) + ": weights " + w.describe() + " must be constant INT8 (got "
                    + w.type() + (w.isConstant() ? "" : ", not constant") + ")");
            return null;
        }
        Quantization q = w.quantization();
        if (!q.isPresent()) {
            problems.add(where(op) + ": weights " + w.describe() + " have no quantization parameters");
            return null;
        }
        if (q.isPerChannel() && (q.scales().length != channels || q.dimension() != channelAxis)) {
            problems.add(where(op) + ": weights " + w.describe() + " have " + q.scales().length + " scales on axis "
                    + q.dimension() + "; expected " + channels + " on axis " + channelAxis);
            return null;
        }
        for (int i = 0; i < q.scales().length; i++) {
            if (q.zeroPoint(i) != 0) {
                problems.add(where(op) + ": weights " + w.describe() + " have zero point " + q.zeroPoint(i)
                        + "; int8 weights must be symmetric (zero point 0)");
                return null;
            }
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = q.scale(q.isPerChannel() ? c : 0);
        }
        return scales;
    }

    private int[] bias(OperatorDef op, int index, int channels) {
        if (op.inputCount() <= index || op.input(index) < 0) {
            return new int[channels];
        }
        TensorDef b = model.tensor(op.input(index));
        if (b.type() != TensorType.INT32 || !b.isConstant() || b.elementCount() != channels) {
            problems.add(where(op) + ": bias " + b.describe() + " must be a constant INT32 vector of " + channels
                    + (b.isConstant() ? "" : " (it is not constant)"));
            return null;
        }
        return ints(b);
    }

    static int[] ints(TensorDef t) {
        int[] r = new int[(int) t.elementCount()];
        ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(r);
        return r;
    }

    private Kernel shapesDisagree(OperatorDef op, TensorDef in, TensorDef w, TensorDef out, String note) {
        problems.add(where(op) + ": shapes " + in.describe() + ", " + w.describe() + ", " + out.describe()
                + " do not agree" + note);
        return null;
    }

    /** The bias and requantizer of a layer with int8 weights, one output channel per weight scale. */
    private record Requantization(int[] bias, Requantizer requantizer) {}

    /**
     * Checks the weights (one scale per output channel, on {@code channelAxis}, or one for all) and the
     * bias, counts {@code work} against the budget and builds the requantizer; null, with the problem
     * noted, when the weights or bias are not usable.
     */
    private Requantization requantization(OperatorDef op, TensorDef in, TensorDef w, TensorDef out, int channels,
            int channelAxis, Options.Activation activation, long work, boolean perTensor) {
        float[] ws = weightScales(op, w, channels, channelAxis);
        int[] bias = bias(op, 2, channels);
        if (ws == null || bias == null) {
            return null;
        }
        spend(op, work);
        int[] r = checks.range(activation, out);
        return new Requantization(bias,
                arithmetic.requantizer(scale(in), ws, scale(out), zeroPoint(out), r[0], r[1], perTensor));
    }

    // ---- operators ----------------------------------------------------------------------------

    private Kernel alias(OperatorDef op) {
        if (!checks.arity(op, 1, 2, 1)) {
            return null;
        }
        TensorDef in = model.tensor(op.input(0));
        TensorDef out = model.tensor(op.output(0));
        if (in.elementCount() != out.elementCount()) {
            problems.add(where(op) + ": " + in.describe() + " and " + out.describe() + " differ in element count");
            return null;
        }
        if (in.type() != out.type() || !in.quantization().equals(out.quantization())) {
            problems.add(where(op) + ": " + in.describe() + " and " + out.describe()
                    + " differ in type or quantization, which a reshape cannot change");
            return null;
        }
        int from = op.input(0);
        int to = op.output(0);
        // Same bytes in a new shape: the output shares the input's storage.
        return slots -> slots[to] = slots[from];
    }

    /**
     * CONV_2D and DEPTHWISE_CONV_2D: the same checks and requantization; they differ in the weights'
     * shape and channel axis, the work per output and the kernel.
     */
    private Kernel convolution(OperatorDef op) {
        if (!checks.arity(op, 2, 3, 1)) {
            return null;
        }
        boolean depthwise = op.op() == BuiltinOperator.DEPTHWISE_CONV_2D;
        Options.Convolution o = depthwise ? (Options.Depthwise) op.options() : (Options.Conv) op.options();
        TensorDef in = model.tensor(op.input(0));
        TensorDef w = model.tensor(op.input(1));
        TensorDef out = model.tensor(op.output(0));
        if (!checks.int8Activation(op, in) || !checks.int8Activation(op, out) || !checks.rank(op, in, 4)
                || !checks.rank(op, w, 4) || !checks.rank(op, out, 4)
                || !checks.activationSupported(op, o.activation())) {
            return null;
        }
        Geometry g = Geometry.of(in, out, w.dim(1), w.dim(2), o.strideH(), o.strideW(), o.dilationH(),
                o.dilationW(), o.padding());
        boolean agree = depthwise
                ? w.dim(0) == 1 && w.dim(3) == out.dim(3) && out.dim(3) % in.dim(3) == 0
                : w.dim(3) == in.dim(3) && w.dim(0) == out.dim(3);
        if (!agree || g == null) {
            return shapesDisagree(op, in, w, out, depthwise ? "" : " (grouped convolution is not supported)");
        }
        long work = depthwise ? g.windowWork() : g.windowWork() * g.inC();
        Requantization q = requantization(op, in, w, out, out.dim(3), depthwise ? 3 : 0, o.activation(), work,
                false);
        if (q == null) {
            return null;
        }
        int x = op.input(0);
        int y = op.output(0);
        if (depthwise) {
            return ConvKernel.depthwise(x, y, g, w.data(), q.bias(), zeroPoint(in), q.requantizer());
        }
        return Conv1dKernel.applies(g)
                ? new Conv1dKernel(x, y, g, w.data(), q.bias(), zeroPoint(in), q.requantizer())
                : ConvKernel.conv(x, y, g, w.data(), q.bias(), zeroPoint(in), q.requantizer());
    }

    private Kernel pool(OperatorDef op) {
        if (!checks.arity(op, 1, 1, 1)) {
            return null;
        }
        TensorDef in = model.tensor(op.input(0));
        TensorDef out = model.tensor(op.output(0));
        Options.Pool o = (Options.Pool) op.options();
        if (!checks.int8Activation(op, in) || !checks.int8Activation(op, out) || !checks.rank(op, in, 4)
                || !checks.rank(op, out, 4) || !checks.activationSupported(op, o.activation())) {
            return null;
        }
        if (!in.quantization().equals(out.quantization())) {
            problems.add(where(op) + ": input and output quantization differ (" + in.quantization() + " vs "
                    + out.quantization() + "); pooling requires them equal");
            return null;
        }
        Geometry g = Geometry.of(in, out, o.filterH(), o.filterW(), o.strideH(), o.strideW(), 1, 1, o.padding());
        if (g == null || in.dim(3) != out.dim(3)) {
            problems.add(where(op) + ": shapes " + in.describe() + " and " + out.describe() + " do not agree with "
                    + "the pooling window");
            return null;
        }
        spend(op, g.windowWork());
        // Max pooling runs in XNNPACK under LiteRT, average pooling in TFLite's own kernel; the clamp of
        // each follows the runtime that computes it.
        Arithmetic clampRounding = op.op() == BuiltinOperator.MAX_POOL_2D ? arithmetic : Arithmetic.TFLM;
        int[] r = clampRounding.activationRange(o.activation(), scale(out), zeroPoint(out), -128, 127);
        return new PoolKernel(op.input(0), op.output(0), g, op.op() == BuiltinOperator.MAX_POOL_2D, r[0], r[1]);
    }

    private Kernel mean(OperatorDef op) {
        if (!checks.arity(op, 2, 2, 1)) {
            return null;
        }
        TensorDef in = model.tensor(op.input(0));
        TensorDef axes = model.tensor(op.input(1));
        TensorDef out = model.tensor(op.output(0));
        if (!checks.int8Activation(op, in) || !checks.int8Activation(op, out)) {
            return null;
        }
        if (axes.type() != TensorType.INT32 || !axes.isConstant()) {
            problems.add(where(op) + ": axes " + axes.describe() + " must be a constant INT32 tensor");
            return null;
        }
        int[] dims = in.shape();
        boolean[] reduced = new boolean[dims.length];
        for (int a : ints(axes)) {
            int axis = a < 0 ? a + dims.length : a;
            if (axis < 0 || axis >= dims.length) {
                problems.add(where(op) + ": axis " + a + " is out of range for " + in.describe());
                return null;
            }
            reduced[axis] = true;
        }
        long kept = 1;
        for (int i = 0; i < dims.length; i++) {
            kept *= reduced[i] ? 1 : dims[i];
        }
        if (kept != out.elementCount() || in.elementCount() == 0) {
            problems.add(where(op) + ": output " + out.describe() + " does not match reducing " + in.describe());
            return null;
        }
        int count = (int) (in.elementCount() / kept);
        Mean m = Mean.of(arithmetic, scale(in), zeroPoint(in), scale(out), zeroPoint(out), count);
        return new MeanKernel(op.input(0), op.output(0), dims, reduced, m);
    }

    private Kernel fullyConnected(OperatorDef op) {
        if (!checks.arity(op, 2, 3, 1)) {
            return null;
        }
        TensorDef in = model.tensor(op.input(0));
        TensorDef w = model.tensor(op.input(1));
        TensorDef out = model.tensor(op.output(0));
        Options.FullyConnected o = (Options.FullyConnected) op.options();
        if (!checks.int8Activation(op, in) || !checks.int8Activation(op, out) || !checks.rank(op, w, 2)
                || !checks.activationSupported(op, o.activation())) {
            return null;
        }
        if (o.weightsFormat() != 0) {
            problems.add(where(op) + ": shuffled weights format " + o.weightsFormat() + " is not supported");
            return null;
        }
        int units = w.dim(0);
        int depth = w.dim(1);
        if (depth == 0 || in.elementCount() % depth != 0 || out.elementCount() != in.elementCount() / depth * units) {
            return shapesDisagree(op, in, w, out, "");
        }
        Requantization q = requantization(op, in, w, out, units, 0, o.activation(),
                in.elementCount() / depth * depth * units, !w.quantization().isPerChannel());
        if (q == null) {
            return null;
        }
        return new FullyConnectedKernel(op.input(0), op.output(0), (int) (in.elementCount() / depth), depth, units,
                w.data(), q.bias(), zeroPoint(in), q.requantizer());
    }

    private Kernel softmax(OperatorDef op) {
        if (!checks.arity(op, 1, 1, 1)) {
            return null;
        }
        TensorDef in = model.tensor(op.input(0));
        TensorDef out = model.tensor(op.output(0));
        if (!checks.int8Activation(op, in) || !checks.int8Activation(op, out)
                || in.elementCount() != out.elementCount() || in.rank() == 0) {
            return null;
        }
        if (zeroPoint(out) != -128 || scale(out) != 1f / 256) {
            problems.add(where(op) + ": output " + out.describe() + " has " + out.quantization()
                    + "; int8 softmax requires scale 1/256 and zero point -128");
            return null;
        }
        float beta = ((Options.Softmax) op.options()).beta();
        Softmax s = Softmax.of(arithmetic, scale(in), beta, zeroPoint(out), scale(out));
        return new SoftmaxKernel(op.input(0), op.output(0), in.dim(in.rank() - 1), s);
    }

    private Kernel quantize(OperatorDef op) {
        if (!checks.arity(op, 1, 1, 1)) {
            return null;
        }
        TensorDef in = model.tensor(op.input(0));
        TensorDef out = model.tensor(op.output(0));
        if (!checks.int8Activation(op, out) || in.elementCount() != out.elementCount()) {
            return null;
        }
        if (in.type() == TensorType.FLOAT32) {
            return QuantizeKernel.fromFloat(arithmetic, op.input(0), op.output(0), scale(out), zeroPoint(out));
        }
        if (in.type() == TensorType.INT8 && in.quantization().isPresent() && !in.quantization().isPerChannel()) {
            return QuantizeKernel.requantize(arithmetic, op.input(0), op.output(0), scale(in), zeroPoint(in),
                    scale(out), zeroPoint(out));
        }
        problems.add(where(op) + ": input " + in.describe() + " must be FLOAT32 or per-tensor quantized INT8");
        return null;
    }

    private Kernel dequantize(OperatorDef op) {
        if (!checks.arity(op, 1, 1, 1)) {
            return null;
        }
        TensorDef in = model.tensor(op.input(0));
        TensorDef out = model.tensor(op.output(0));
        if (!checks.int8Activation(op, in)) {
            return null;
        }
        if (out.type() != TensorType.FLOAT32 || in.elementCount() != out.elementCount()) {
            problems.add(where(op) + ": output " + out.describe() + " must be FLOAT32 of the input's size");
            return null;
        }
        return QuantizeKernel.dequantize(arithmetic, op.input(0), op.output(0), scale(in), zeroPoint(in));
    }
}

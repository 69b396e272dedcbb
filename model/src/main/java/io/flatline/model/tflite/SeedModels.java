package io.flatline.model.tflite;

import io.flatline.model.tflite.Options.Activation;
import io.flatline.model.tflite.Options.Padding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds the field report's model and variations of it, with the operator sequence the TFLite
 * converter emits for a Keras Conv1D classifier, seeded random weights and quantization parameters
 * calibrated the way the converter does (ranges observed on representative inputs).
 */
public final class SeedModels {
    private SeedModels() {}

    /** How the Keras Conv1D's (N, T, C) input becomes the NHWC (N, 1, T, C) that CONV_2D needs. */
    public enum InputLayout {
        EXPAND_DIMS,
        RESHAPE
    }

    /** What stands for GlobalAveragePooling1D. */
    public enum Pooling {
        MEAN,
        AVERAGE_POOL_2D,
        MAX_POOL_2D
    }

    /** One variation: sizes, how layers are encoded, and the quantization choices. */
    public record Spec(long seed, int steps, int channels, int filters, int kernel, int classes, InputLayout layout,
            Pooling pooling, Activation activation, boolean perChannel, boolean floatIo) {

        /** The field report's model: (1,50,10) → Conv1D(8, 5, same, relu) → GAP → Dense(5, softmax). */
        public static Spec fieldReport(long seed) {
            return new Spec(seed, 50, 10, 8, 5, 5, InputLayout.EXPAND_DIMS, Pooling.MEAN, Activation.RELU, true, false);
        }

        public Spec withSizes(int steps, int channels, int filters, int kernel, int classes) {
            return new Spec(seed, steps, channels, filters, kernel, classes, layout, pooling, activation, perChannel,
                    floatIo);
        }

        public Spec with(InputLayout layout, Pooling pooling, Activation activation, boolean perChannel,
                boolean floatIo) {
            return new Spec(seed, steps, channels, filters, kernel, classes, layout, pooling, activation, perChannel,
                    floatIo);
        }
    }

    public static byte[] bytes(Spec spec) {
        return TfliteWriter.write(build(spec));
    }

    public static TfliteModel build(Spec s) {
        Random rnd = new Random(s.seed());
        float inScale = 0.02f + rnd.nextFloat() * 0.03f;
        int inZp = rnd.nextInt(21) - 10;

        // Weights in float, then symmetric int8 per output channel (or one scale for all).
        float[][] w = new float[s.filters()][s.kernel() * s.channels()];
        float[] convScales = new float[s.filters()];
        float globalMax = 0;
        for (int o = 0; o < s.filters(); o++) {
            float max = 0;
            for (int i = 0; i < w[o].length; i++) {
                w[o][i] = (float) (rnd.nextGaussian() * 0.25);
                max = Math.max(max, Math.abs(w[o][i]));
            }
            convScales[o] = max / 127f;
            globalMax = Math.max(globalMax, max);
        }
        if (!s.perChannel()) {
            java.util.Arrays.fill(convScales, globalMax / 127f);
        }
        byte[] convW = new byte[s.filters() * s.kernel() * s.channels()];
        int[] convB = new int[s.filters()];
        for (int o = 0; o < s.filters(); o++) {
            for (int i = 0; i < w[o].length; i++) {
                convW[o * w[o].length + i] = (byte) Math.round(w[o][i] / convScales[o]);
            }
            convB[o] = (int) Math.round(rnd.nextGaussian() * 0.1 / (inScale * convScales[o]));
        }

        float[][] dense = new float[s.classes()][s.filters()];
        float denseMax = 0;
        for (float[] row : dense) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) (rnd.nextGaussian() * 0.5);
                denseMax = Math.max(denseMax, Math.abs(row[i]));
            }
        }

        // Calibrate activation ranges on random windows, as the converter's representative dataset does.
        float convMax = 1e-3f;
        float poolMax = 1e-3f;
        float logitMin = 0;
        float logitMax = 0;
        float denseScale = denseMax / 127f;
        for (int n = 0; n < 32; n++) {
            float[][] x = new float[s.steps()][s.channels()];
            for (float[] row : x) {
                for (int c = 0; c < row.length; c++) {
                    row[c] = inScale * (rnd.nextInt(256) - 128 - inZp);
                }
            }
            float[] pooled = new float[s.filters()];
            for (int t = 0; t < s.steps(); t++) {
                for (int o = 0; o < s.filters(); o++) {
                    float acc = convB[o] * inScale * convScales[o];
                    for (int k = 0; k < s.kernel(); k++) {
                        int ti = t + k - (s.kernel() - 1) / 2;
                        for (int c = 0; ti >= 0 && ti < s.steps() && c < s.channels(); c++) {
                            acc += convW[o * s.kernel() * s.channels() + k * s.channels() + c] * convScales[o]
                                    * x[ti][c];
                        }
                    }
                    acc = activate(acc, s.activation());
                    convMax = Math.max(convMax, Math.abs(acc));
                    pooled[o] = s.pooling() == Pooling.MAX_POOL_2D
                            ? Math.max(pooled[o], acc)
                            : pooled[o] + acc / s.steps();
                }
            }
            for (int o = 0; o < s.filters(); o++) {
                poolMax = Math.max(poolMax, Math.abs(pooled[o]));
            }
            for (float[] row : dense) {
                float logit = 0;
                for (int i = 0; i < row.length; i++) {
                    logit += Math.round(row[i] / denseScale) * denseScale * pooled[i];
                }
                logitMin = Math.min(logitMin, logit);
                logitMax = Math.max(logitMax, logit);
            }
        }
        boolean nonNegative = s.activation() == Activation.RELU || s.activation() == Activation.RELU6;
        float convScale = nonNegative ? convMax / 255f : convMax / 127.5f;
        int convZp = nonNegative ? -128 : 0;
        // Pooling ops other than MEAN keep their input's quantization.
        float poolScale = s.pooling() == Pooling.MEAN ? (nonNegative ? poolMax / 255f : poolMax / 127.5f) : convScale;
        float logitScale = Math.max(logitMax - logitMin, 1e-3f) / 255f;
        int logitZp = Math.max(-128, Math.min(127, Math.round(-128 - logitMin / logitScale)));
        byte[] denseW = new byte[s.classes() * s.filters()];
        int[] denseB = new int[s.classes()];
        for (int u = 0; u < s.classes(); u++) {
            for (int i = 0; i < s.filters(); i++) {
                denseW[u * s.filters() + i] = (byte) Math.round(dense[u][i] / denseScale);
            }
            denseB[u] = (int) Math.round(rnd.nextGaussian() * 0.2 / (poolScale * denseScale));
        }

        Graph g = new Graph();
        Quantization qIn = Quantization.perTensor(inScale, inZp);
        int input = s.floatIo()
                ? g.tensor("serving_default_input:0", TensorType.FLOAT32, Quantization.NONE, null, 1, s.steps(),
                        s.channels())
                : g.tensor("serving_default_input:0", TensorType.INT8, qIn, null, 1, s.steps(), s.channels());
        int x = input;
        if (s.floatIo()) {
            x = g.tensor("quantized_input", TensorType.INT8, qIn, null, 1, s.steps(), s.channels());
            g.op(BuiltinOperator.QUANTIZE, new Options.None(), new int[] {input}, x);
        }
        int expanded = g.tensor("conv1d/ExpandDims", TensorType.INT8, qIn, null, 1, 1, s.steps(), s.channels());
        if (s.layout() == InputLayout.EXPAND_DIMS) {
            int axis = g.tensor("conv1d/ExpandDims/dim", TensorType.INT32, Quantization.NONE, ints(1));
            g.op(BuiltinOperator.EXPAND_DIMS, new Options.None(), new int[] {x, axis}, expanded);
        } else {
            int shape = g.tensor("conv1d/ExpandDims/shape", TensorType.INT32, Quantization.NONE,
                    ints(1, 1, s.steps(), s.channels()), 4);
            g.op(BuiltinOperator.RESHAPE, new Options.Reshape(new int[] {1, 1, s.steps(), s.channels()}),
                    new int[] {x, shape}, expanded);
        }
        float[] biasScales = new float[s.filters()];
        long[] zeros = new long[s.filters()];
        for (int o = 0; o < s.filters(); o++) {
            biasScales[o] = inScale * convScales[o];
        }
        int filter = g.tensor("conv1d/Conv1D", TensorType.INT8,
                s.perChannel() ? new Quantization(convScales, zeros, 0) : Quantization.perTensor(convScales[0], 0),
                convW,
                s.filters(), 1, s.kernel(), s.channels());
        int bias = g.tensor("conv1d/BiasAdd", TensorType.INT32,
                s.perChannel() ? new Quantization(biasScales, zeros, 0) : Quantization.perTensor(biasScales[0], 0),
                ints(convB), s.filters());
        Quantization qConv = Quantization.perTensor(convScale, convZp);
        int conv = g.tensor("conv1d/Relu", TensorType.INT8, qConv, null, 1, 1, s.steps(), s.filters());
        g.op(BuiltinOperator.CONV_2D, new Options.Conv(Padding.SAME, 1, 1, s.activation(), 1, 1),
                new int[] {expanded, filter, bias}, conv);

        Quantization qPool = Quantization.perTensor(poolScale, s.pooling() == Pooling.MEAN ? (nonNegative ? -128 : 0)
                : convZp);
        int pooled = g.tensor("global_average_pooling1d", TensorType.INT8, qPool, null, 1, s.filters());
        if (s.pooling() == Pooling.MEAN) {
            int shape = g.tensor("conv1d/Squeeze_shape", TensorType.INT32, Quantization.NONE,
                    ints(-1, s.steps(), s.filters()), 3);
            int squeezed = g.tensor("conv1d/Squeeze", TensorType.INT8, qConv, null, 1, s.steps(), s.filters());
            g.op(BuiltinOperator.RESHAPE, new Options.Reshape(new int[] {-1, s.steps(), s.filters()}),
                    new int[] {conv, shape}, squeezed);
            int axis = g.tensor("reduction_indices", TensorType.INT32, Quantization.NONE, ints(1), 1);
            g.op(BuiltinOperator.MEAN, new Options.Reducer(false), new int[] {squeezed, axis}, pooled);
        } else {
            int pool4 = g.tensor("pool", TensorType.INT8, qPool, null, 1, 1, 1, s.filters());
            g.op(s.pooling() == Pooling.MAX_POOL_2D ? BuiltinOperator.MAX_POOL_2D : BuiltinOperator.AVERAGE_POOL_2D,
                    new Options.Pool(Padding.VALID, 1, 1, s.steps(), 1, Activation.NONE), new int[] {conv}, pool4);
            int shape = g.tensor("pool_shape", TensorType.INT32, Quantization.NONE, ints(1, s.filters()), 2);
            g.op(BuiltinOperator.RESHAPE, new Options.Reshape(new int[] {1, s.filters()}), new int[] {pool4, shape},
                    pooled);
        }
        int dw = g.tensor("dense/MatMul", TensorType.INT8, Quantization.perTensor(denseScale, 0), denseW, s.classes(),
                s.filters());
        int db = g.tensor("dense/BiasAdd", TensorType.INT32, Quantization.perTensor(poolScale * denseScale, 0),
                ints(denseB), s.classes());
        int logits = g.tensor("dense/MatMul;dense/BiasAdd", TensorType.INT8,
                Quantization.perTensor(logitScale, logitZp), null, 1, s.classes());
        g.op(BuiltinOperator.FULLY_CONNECTED, new Options.FullyConnected(Activation.NONE, 0, false),
                new int[] {pooled, dw, db}, logits);
        Quantization qOut = Quantization.perTensor(1f / 256, -128);
        int probs = g.tensor("StatefulPartitionedCall:0", TensorType.INT8, qOut, null, 1, s.classes());
        g.op(BuiltinOperator.SOFTMAX, new Options.Softmax(1f), new int[] {logits}, probs);
        int output = probs;
        if (s.floatIo()) {
            output = g.tensor("dequantized_output", TensorType.FLOAT32, Quantization.NONE, null, 1, s.classes());
            g.op(BuiltinOperator.DEQUANTIZE, new Options.None(), new int[] {probs}, output);
        }
        return new TfliteModel(3, "Flatline fixture " + s, g.tensors, g.operators, new int[] {input},
                new int[] {output});
    }

    private static float activate(float v, Activation a) {
        return switch (a) {
            case RELU -> Math.max(0, v);
            case RELU6 -> Math.min(6, Math.max(0, v));
            case RELU_N1_TO_1 -> Math.min(1, Math.max(-1, v));
            default -> v;
        };
    }

    private static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    /** Collects tensors and operators, numbering them as they come. */
    public static final class Graph {
        private final List<TensorDef> tensors = new ArrayList<>();
        private final List<OperatorDef> operators = new ArrayList<>();

        public int tensor(String name, TensorType type, Quantization q, byte[] data, int... shape) {
            tensors.add(new TensorDef(tensors.size(), name, shape, type, q, data));
            return tensors.size() - 1;
        }

        /** State an operator keeps between inferences (LSTM, SVDF): the schema's is_variable tensor. */
        public int variable(String name, TensorType type, Quantization q, int... shape) {
            tensors.add(new TensorDef(tensors.size(), name, shape, type, q, null, true));
            return tensors.size() - 1;
        }

        public void op(BuiltinOperator op, Options options, int[] inputs, int... outputs) {
            operators.add(new OperatorDef(operators.size(), op, op.code(), null, inputs, outputs, options));
        }

        /** An operator by its raw schema code, known to the engine or not, without options. */
        public void op(int builtinCode, int[] inputs, int... outputs) {
            operators.add(new OperatorDef(operators.size(), BuiltinOperator.of(builtinCode), builtinCode, null, inputs,
                    outputs, new Options.None()));
        }

        public TfliteModel model(int input, int output) {
            return new TfliteModel(3, "Flatline fixture", tensors, operators, new int[] {input}, new int[] {output});
        }
    }
}

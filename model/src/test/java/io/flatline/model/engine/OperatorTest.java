package io.flatline.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.tflite.BuiltinOperator;
import io.flatline.model.tflite.Options;
import io.flatline.model.tflite.Options.Activation;
import io.flatline.model.tflite.Options.Padding;
import io.flatline.model.tflite.Quantization;
import io.flatline.model.tflite.SeedModels.Graph;
import io.flatline.model.tflite.TensorType;
import io.flatline.model.tflite.TfliteWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Each operator on a tiny model, through the file writer and loader, against hand-worked results. */
class OperatorTest {
    private static final Quantization UNIT = Quantization.perTensor(1f, 0);

    private static byte[] run(Graph g, int in, int out, Arithmetic a, byte[] input) throws Exception {
        return Model.load(TfliteWriter.write(g.model(in, out))).run(input, a);
    }

    private static byte[] ints(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    @Test
    void conv2dSamePaddingWithPerChannelWeights() throws Exception {
        // Input 1x1x3x1 levels [1,2,3] (zp 0); two filters of width 3: [1,1,1] scale 1 and [1,0,-1] scale 0.5.
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, UNIT, null, 1, 1, 3, 1);
        int w = g.tensor("w", TensorType.INT8, new Quantization(new float[] {1f, 0.5f}, new long[2], 0),
                new byte[] {1, 1, 1, 1, 0, -1}, 2, 1, 3, 1);
        int b = g.tensor("b", TensorType.INT32, Quantization.NONE, ints(10, 0), 2);
        int y = g.tensor("y", TensorType.INT8, UNIT, null, 1, 1, 3, 2);
        g.op(BuiltinOperator.CONV_2D, new Options.Conv(Padding.SAME, 1, 1, Activation.NONE, 1, 1),
                new int[] {x, w, b}, y);
        // Position 0 sees [pad,1,2]: 13 and (0 - 2) * 0.5 = -1; position 1 [1,2,3]: 16 and -1;
        // position 2 [2,3,pad]: 15 and 1.
        for (Arithmetic a : Arithmetic.values()) {
            assertThat(run(g, x, y, a, new byte[] {1, 2, 3})).containsExactly(13, -1, 16, -1, 15, 1);
        }
    }

    @Test
    void depthwiseConvolutionKeepsChannelsApart() throws Exception {
        // 1x2x2x2 input, 2x2 filter per channel, VALID: one output pixel per channel.
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, Quantization.perTensor(1f, 1), null, 1, 2, 2, 2);
        int w = g.tensor("w", TensorType.INT8, UNIT, new byte[] {1, 2, 1, 2, 1, 2, 1, 2}, 1, 2, 2, 2);
        int y = g.tensor("y", TensorType.INT8, Quantization.perTensor(2f, 0), null, 1, 1, 1, 2);
        g.op(BuiltinOperator.DEPTHWISE_CONV_2D, new Options.Depthwise(Padding.VALID, 1, 1, 1, Activation.RELU, 1, 1),
                new int[] {x, w, -1}, y);
        // Channel 0 levels 2,3,4,5 minus zp 1 → 1+2+3+4 = 10, / 2 = 5;
        // channel 1 levels 0..-3 → (-1-2-3-4)*2 / 2 < 0 → ReLU 0.
        byte[] in = {2, 0, 3, -1, 4, -2, 5, -3};
        for (Arithmetic a : Arithmetic.values()) {
            assertThat(run(g, x, y, a, in)).containsExactly(5, 0);
        }
    }

    @Test
    void averagePoolRoundsHalvesAwayFromZeroAndMaxPoolTakesTheMax() throws Exception {
        for (boolean max : new boolean[] {false, true}) {
            Graph g = new Graph();
            int x = g.tensor("x", TensorType.INT8, UNIT, null, 1, 1, 4, 1);
            int y = g.tensor("y", TensorType.INT8, UNIT, null, 1, 1, 2, 1);
            g.op(max ? BuiltinOperator.MAX_POOL_2D : BuiltinOperator.AVERAGE_POOL_2D,
                    new Options.Pool(Padding.VALID, 2, 1, 2, 1, Activation.NONE), new int[] {x}, y);
            for (Arithmetic a : Arithmetic.values()) {
                assertThat(run(g, x, y, a, new byte[] {-1, -2, 3, 4})).containsExactly(max ? -1 : -2, max ? 4 : 4);
            }
        }
    }

    @Test
    void addTiesRoundUpInXnnpackAndAwayFromZeroInTheReference() throws Exception {
        Graph g = new Graph();
        Quantization half = Quantization.perTensor(0.5f, 0);
        int a = g.tensor("a", TensorType.INT8, half, null, 1, 2);
        int b = g.tensor("b", TensorType.INT8, half, new byte[] {2, -2}, 1, 2);
        int y = g.tensor("y", TensorType.INT8, UNIT, null, 1, 2);
        g.op(BuiltinOperator.ADD, new Options.Add(Activation.NONE), new int[] {a, b}, y);
        // (1 + 2) * 0.5 = 1.5 and (-1 - 2) * 0.5 = -1.5.
        assertThat(run(g, a, y, Arithmetic.LITERT, new byte[] {1, -1})).containsExactly(2, -1);
        assertThat(run(g, a, y, Arithmetic.TFLM, new byte[] {1, -1})).containsExactly(2, -2);
    }

    @Test
    void addBroadcastsAScalar() throws Exception {
        Graph g = new Graph();
        int a = g.tensor("a", TensorType.INT8, UNIT, null, 1, 3);
        int b = g.tensor("b", TensorType.INT8, UNIT, new byte[] {10}, 1);
        int y = g.tensor("y", TensorType.INT8, UNIT, null, 1, 3);
        g.op(BuiltinOperator.ADD, new Options.Add(Activation.RELU), new int[] {a, b}, y);
        for (Arithmetic ar : Arithmetic.values()) {
            assertThat(run(g, a, y, ar, new byte[] {1, -20, 120})).containsExactly(11, 0, 127);
        }
    }

    @Test
    void mulRoundsTiesToEvenInXnnpackAndWithGemmlowpsNudgeInTheReference() throws Exception {
        Graph g = new Graph();
        Quantization half = Quantization.perTensor(0.5f, 0);
        int a = g.tensor("a", TensorType.INT8, half, null, 1, 6);
        int b = g.tensor("b", TensorType.INT8, half, new byte[] {1}, 1);
        int y = g.tensor("y", TensorType.INT8, half, null, 1, 6);
        g.op(BuiltinOperator.MUL, new Options.Mul(Activation.NONE), new int[] {a, b}, y);
        // Each level times 0.5·0.5/0.5 = 0.5: 0.5, 1.5, 2.5, -0.5, -1.5, and 127·0.5 = 63.5.
        byte[] in = {1, 3, 5, -1, -3, 127};
        // XNNPACK: float product times 0.5, round to nearest even.
        assertThat(run(g, a, y, Arithmetic.LITERT, in)).containsExactly(0, 2, 2, 0, -2, 64);
        // Reference: multiplier 2^30 with shift 0, so only the doubling high multiply rounds:
        // (p·2^30 + 2^30) / 2^31 for p ≥ 0 (ties up), (p·2^30 + 1 − 2^30) / 2^31 truncated for p < 0
        // (ties toward 0).
        assertThat(run(g, a, y, Arithmetic.TFLM, in)).containsExactly(1, 2, 3, 0, -1, 64);
    }

    @Test
    void mulBroadcastsSubtractsZeroPointsAndClamps() throws Exception {
        Graph g = new Graph();
        int a = g.tensor("a", TensorType.INT8, Quantization.perTensor(1f, 1), null, 2, 3);
        int b = g.tensor("b", TensorType.INT8, Quantization.perTensor(1f, -1), new byte[] {1, -2}, 2, 1);
        int y = g.tensor("y", TensorType.INT8, Quantization.perTensor(1f, 3), null, 2, 3);
        g.op(BuiltinOperator.MUL, new Options.Mul(Activation.RELU), new int[] {a, b}, y);
        // Rows (a − 1)·(b + 1) with b's rows 2 and −1: [0, 2, 252] → +3 → [3, 5, 127 (clamped)];
        // [−3, −4, 20] → +3 → [0, −1, 23], RELU keeps levels ≥ zero point 3: [3, 3, 23].
        for (Arithmetic ar : Arithmetic.values()) {
            assertThat(run(g, a, y, ar, new byte[] {1, 2, 127, 4, 5, -19})).as(ar.name())
                    .containsExactly(3, 5, 127, 3, 3, 23);
        }
    }

    private static byte[] lookup(BuiltinOperator op, Quantization in, Arithmetic a, byte... levels) throws Exception {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, in, null, 1, levels.length);
        Quantization out = op == BuiltinOperator.LOGISTIC
                ? Quantization.perTensor(1f / 256, -128)
                : Quantization.perTensor(1f / 128, 0);
        int y = g.tensor("y", TensorType.INT8, out, null, 1, levels.length);
        g.op(op, new Options.None(), new int[] {x}, y);
        return run(g, x, y, a, levels);
    }

    @Test
    void logisticAndTanhAtZeroOneAndBeyondTheReferenceRadius() throws Exception {
        // Scale 1/16: the reference's Q4.27 multiplier is 2^30 with shift 24, its radius 15·2^27/2^24 = 120.
        // Level 16 is 1.0: logistic 0.7311·256 = 187.15 → 187 − 128 = 59; tanh 0.7616·128 = 97.48 → 97.
        // Levels ±120 saturate in the reference; in LiteRT logistic(±7.5) rounds to 256 → 127 and to 0 → −128.
        Quantization sixteenth = Quantization.perTensor(1f / 16, 0);
        for (Arithmetic a : Arithmetic.values()) {
            assertThat(lookup(BuiltinOperator.LOGISTIC, sixteenth, a, (byte) 0, (byte) 16, (byte) 120, (byte) -120))
                    .as(a.name()).containsExactly(0, 59, 127, -128);
            assertThat(lookup(BuiltinOperator.TANH, sixteenth, a, (byte) 0, (byte) 16, (byte) 120, (byte) -120))
                    .as(a.name()).containsExactly(0, 97, 127, -128);
        }
    }

    @Test
    void litertRoundsTheFunctionToFloatBeforeScalingAndTiesToEven() throws Exception {
        // tanh((22 + 74)·0.005348804) = 0.4726562413 in double, 0.47265625 = 60.5/128 as a float: to even, 60.
        assertThat(lookup(BuiltinOperator.TANH, Quantization.perTensor(0.005348804f, -74), Arithmetic.LITERT,
                (byte) 22)).containsExactly(60);
        // logistic((−18 − 5)·0.00714922) = 0.4589843572 in double, the float below 117.5/256: 117 → −11
        // (evaluated in float, 1/(1 + expf(x)) lands on 117.5 exactly and would round to 118).
        assertThat(lookup(BuiltinOperator.LOGISTIC, Quantization.perTensor(0.00714922f, 5), Arithmetic.LITERT,
                (byte) -18)).containsExactly(-11);
    }

    @Test
    void logisticRefusesAnOutputQuantizationOtherThanItsOwn() {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, UNIT, null, 1, 3);
        int y = g.tensor("y", TensorType.INT8, UNIT, null, 1, 3);
        g.op(BuiltinOperator.LOGISTIC, new Options.None(), new int[] {x}, y);
        assertThatThrownBy(() -> Model.load(TfliteWriter.write(g.model(x, y))))
                .hasMessageStartingWith("operator #0 LOGISTIC: output tensor #1 \"y\" INT8[1, 3] has scale 1.0 zero "
                        + "point 0; int8 LOGISTIC requires scale 1/256 and zero point -128");
    }

    @Test
    void fullyConnectedWithRelu6() throws Exception {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, Quantization.perTensor(0.5f, -2), null, 1, 2);
        int w = g.tensor("w", TensorType.INT8, Quantization.perTensor(0.5f, 0), new byte[] {4, 2, -4, 0}, 2, 2);
        int b = g.tensor("b", TensorType.INT32, Quantization.NONE, ints(4, 40), 2);
        int y = g.tensor("y", TensorType.INT8, Quantization.perTensor(0.25f, 0), null, 1, 2);
        g.op(BuiltinOperator.FULLY_CONNECTED, new Options.FullyConnected(Activation.RELU6, 0, false),
                new int[] {x, w, b}, y);
        // x - zp = [3, 1]: unit 0: 4 + 12 + 2 = 18 → 18 * 0.25 / 0.25 = 18;
        // unit 1: 40 - 12 = 28 → 28, RELU6 caps at 24.
        for (Arithmetic a : Arithmetic.values()) {
            assertThat(run(g, x, y, a, new byte[] {1, -1})).containsExactly(18, 24);
        }
    }

    @Test
    void quantizeAndDequantizeFloatInterfaces() throws Exception {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.FLOAT32, Quantization.NONE, null, 1, 3);
        int q = g.tensor("q", TensorType.INT8, Quantization.perTensor(0.5f, 1), null, 1, 3);
        int y = g.tensor("y", TensorType.FLOAT32, Quantization.NONE, null, 1, 3);
        g.op(BuiltinOperator.QUANTIZE, new Options.None(), new int[] {x}, q);
        g.op(BuiltinOperator.DEQUANTIZE, new Options.None(), new int[] {q}, y);
        // 1.25 / 0.5 = 2.5: to even (2) in LiteRT, away from zero (3) in the reference; 100 clamps to 127.
        byte[] in = floats(1.25f, -0.75f, 100f);
        assertThat(run(g, x, y, Arithmetic.LITERT, in)).isEqualTo(floats(1.0f, -1.0f, 63f));
        assertThat(run(g, x, y, Arithmetic.TFLM, in)).isEqualTo(floats(1.5f, -1.0f, 63f));
    }

    @Test
    void requantizingQuantize() throws Exception {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, Quantization.perTensor(1f, 0), null, 1, 3);
        int y = g.tensor("y", TensorType.INT8, Quantization.perTensor(2f, 0), null, 1, 3);
        g.op(BuiltinOperator.QUANTIZE, new Options.None(), new int[] {x}, y);
        // 1.5 → 2 in both; -1.5 → -1 in both (XNNPACK adds half and shifts; gemmlowp's nudge rounds toward zero);
        // -2.5 → -2 in both.
        for (Arithmetic a : Arithmetic.values()) {
            assertThat(run(g, x, y, a, new byte[] {3, -3, -5})).as(a.name()).containsExactly(2, -1, -2);
        }
    }

    @Test
    void squeezeAndReshapeOnlyRelabel() throws Exception {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, UNIT, null, 1, 1, 3);
        int s = g.tensor("s", TensorType.INT8, UNIT, null, 3);
        g.op(BuiltinOperator.SQUEEZE, new Options.Squeeze(new int[] {0, 1}), new int[] {x}, s);
        assertThat(run(g, x, s, Arithmetic.LITERT, new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
    }

    @Test
    void unsupportedOperatorsAndTypesAreNamed() {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, UNIT, null, 1, 3);
        int y = g.tensor("y", TensorType.INT8, UNIT, null, 1, 3);
        g.op(BuiltinOperator.SOFTMAX, new Options.Softmax(1f), new int[] {x}, y);
        assertThatThrownBy(() -> Model.load(TfliteWriter.write(g.model(x, y))))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("operator #0 SOFTMAX").hasMessageContaining("scale 1/256 and zero point -128")
                .hasMessageContaining("Supported: operators ADD, AVERAGE_POOL_2D");

        Graph f = new Graph();
        int a = f.tensor("a", TensorType.FLOAT32, Quantization.NONE, null, 1, 1, 3, 1);
        int w = f.tensor("w", TensorType.FLOAT32, Quantization.NONE, floats(1, 1, 1), 1, 1, 3, 1);
        int o = f.tensor("o", TensorType.FLOAT32, Quantization.NONE, null, 1, 1, 3, 1);
        f.op(BuiltinOperator.CONV_2D, new Options.Conv(Padding.SAME, 1, 1, Activation.NONE, 1, 1), new int[] {a, w}, o);
        assertThatThrownBy(() -> Model.load(TfliteWriter.write(f.model(a, o))))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("operator #0 CONV_2D").hasMessageContaining("has type FLOAT32; only INT8");
    }
}

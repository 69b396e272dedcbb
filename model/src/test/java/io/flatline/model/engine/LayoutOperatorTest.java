package io.flatline.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.tflite.BuiltinOperator;
import io.flatline.model.tflite.Options;
import io.flatline.model.tflite.Options.Activation;
import io.flatline.model.tflite.Quantization;
import io.flatline.model.tflite.SeedModels.Graph;
import io.flatline.model.tflite.TensorType;
import io.flatline.model.tflite.TfliteWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** PAD, PADV2, TRANSPOSE, CONCATENATION and STRIDED_SLICE on tiny tensors, and their refusals. */
class LayoutOperatorTest {
    private static final Quantization Q = Quantization.perTensor(0.5f, -2);
    private static final byte[] SIX = {1, 2, 3, 4, 5, 6};

    private static byte[] run(Graph g, int in, int out, byte[] input) throws Exception {
        Model m = Model.load(TfliteWriter.write(g.model(in, out)));
        byte[] litert = m.run(input, Arithmetic.LITERT);
        assertThat(m.run(input, Arithmetic.TFLM)).as("levels are moved, so both arithmetics agree").isEqualTo(litert);
        return litert;
    }

    private static byte[] ints(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    private static int constant(Graph g, String name, int... values) {
        return g.tensor(name, TensorType.INT32, Quantization.NONE, ints(values), values.length);
    }

    @Test
    void padSurroundsWithTheZeroPointAndPadV2WithItsConstant() throws Exception {
        for (boolean v2 : new boolean[] {false, true}) {
            Graph g = new Graph();
            int x = g.tensor("x", TensorType.INT8, Q, null, 2, 3);
            int p = g.tensor("p", TensorType.INT32, Quantization.NONE, ints(1, 0, 0, 2), 2, 2);
            int y = g.tensor("y", TensorType.INT8, Q, null, 3, 5);
            if (v2) {
                int v = g.tensor("v", TensorType.INT8, Q, new byte[] {9}, 1);
                g.op(BuiltinOperator.PADV2, new Options.None(), new int[] {x, p, v}, y);
            } else {
                g.op(BuiltinOperator.PAD, new Options.None(), new int[] {x, p}, y);
            }
            int z = v2 ? 9 : -2;
            assertThat(run(g, x, y, SIX)).containsExactly(z, z, z, z, z, 1, 2, 3, z, z, 4, 5, 6, z, z);
        }
    }

    @Test
    void padRefusesNegativePaddingsAndAnotherQuantization() {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, Q, null, 2, 3);
        int p = g.tensor("p", TensorType.INT32, Quantization.NONE, ints(0, -1, 0, 0), 2, 2);
        int y = g.tensor("y", TensorType.INT8, Q, null, 1, 3);
        g.op(BuiltinOperator.PAD, new Options.None(), new int[] {x, p}, y);
        int z = g.tensor("z", TensorType.INT8, Quantization.perTensor(1f, 0), null, 1, 3);
        g.op(BuiltinOperator.PAD, new Options.None(), new int[] {y, p}, z);
        assertThatThrownBy(() -> Model.load(TfliteWriter.write(g.model(x, z))))
                .hasMessageContaining("operator #0 PAD: paddings [0, -1, 0, 0] are negative; PAD cannot crop")
                .hasMessageContaining("operator #1 PAD: tensor #2 \"y\" INT8[1, 3] has scale 0.5 zero point -2 and "
                        + "tensor #3 \"z\" INT8[1, 3] has scale 1.0 zero point 0; this operator moves levels");
    }

    @Test
    void transposeMovesDimensions() throws Exception {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, Q, null, 1, 2, 3);
        int perm = constant(g, "perm", 2, 0, 1);
        int y = g.tensor("y", TensorType.INT8, Q, null, 3, 1, 2);
        g.op(BuiltinOperator.TRANSPOSE, new Options.None(), new int[] {x, perm}, y);
        assertThat(run(g, x, y, SIX)).containsExactly(1, 4, 2, 5, 3, 6);
    }

    @Test
    void transposeRefusesAPermThatIsNoPermutation() {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, Q, null, 2, 3);
        int perm = constant(g, "perm", 1, 1);
        int y = g.tensor("y", TensorType.INT8, Q, null, 3, 2);
        g.op(BuiltinOperator.TRANSPOSE, new Options.None(), new int[] {x, perm}, y);
        assertThatThrownBy(() -> Model.load(TfliteWriter.write(g.model(x, y))))
                .hasMessageStartingWith("operator #0 TRANSPOSE: perm [1, 1] is not a permutation of tensor #0");
    }

    @Test
    void concatenationPlacesEachInputInItsSlab() throws Exception {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, Q, null, 2, 3);
        int k = g.tensor("k", TensorType.INT8, Q, new byte[] {-7, -8}, 2, 1);
        int y = g.tensor("y", TensorType.INT8, Q, null, 2, 7);
        g.op(BuiltinOperator.CONCATENATION, new Options.Concatenation(1, Activation.NONE), new int[] {x, k, x}, y);
        assertThat(run(g, x, y, SIX)).containsExactly(1, 2, 3, -7, 1, 2, 3, 4, 5, 6, -8, 4, 5, 6);
    }

    @Test
    void concatenationRefusesInputsQuantizedOtherwise() {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, Q, null, 2, 3);
        int k = g.tensor("k", TensorType.INT8, Quantization.perTensor(0.25f, -2), new byte[] {-7, -8}, 2, 1);
        int y = g.tensor("y", TensorType.INT8, Q, null, 2, 4);
        g.op(BuiltinOperator.CONCATENATION, new Options.Concatenation(1, Activation.NONE), new int[] {x, k}, y);
        assertThatThrownBy(() -> Model.load(TfliteWriter.write(g.model(x, y))))
                .hasMessageStartingWith("operator #0 CONCATENATION: tensor #1 \"k\" INT8[2, 1] has scale 0.25");
    }

    @Test
    void stridedSliceStepsBackwardAndShrinks() throws Exception {
        // x is 2x3: [[1,2,3],[4,5,6]]. Row 1 (shrunk), columns from the last backward by 2: [6, 4].
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, Q, null, 2, 3);
        int begin = constant(g, "begin", 1, -1);
        int end = constant(g, "end", 2, 0);
        int strides = constant(g, "strides", 1, -2);
        int y = g.tensor("y", TensorType.INT8, Q, null, 2);
        g.op(BuiltinOperator.STRIDED_SLICE, new Options.StridedSlice(0, 0b10, 0, 0, 0b01, false),
                new int[] {x, begin, end, strides}, y);
        assertThat(run(g, x, y, SIX)).containsExactly(6, 4);
    }

    @Test
    void stridedSliceMasksTakeTheWholeAxisAndEndsClamp() throws Exception {
        // Begin mask on axis 0, end 99 clamped to 3 on axis 1, starting at column 1: [[2,3],[5,6]].
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, Q, null, 2, 3);
        int begin = constant(g, "begin", 1, 1);
        int end = constant(g, "end", 2, 99);
        int strides = constant(g, "strides", 1, 1);
        int y = g.tensor("y", TensorType.INT8, Q, null, 2, 2);
        g.op(BuiltinOperator.STRIDED_SLICE, new Options.StridedSlice(0b01, 0, 0, 0, 0, false),
                new int[] {x, begin, end, strides}, y);
        assertThat(run(g, x, y, SIX)).containsExactly(2, 3, 5, 6);
    }

    @Test
    void stridedSliceRefusesEllipsisAndNewAxisMasks() {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, Q, null, 2, 3);
        int c = constant(g, "c", 0, 0);
        int y = g.tensor("y", TensorType.INT8, Q, null, 2, 3);
        g.op(BuiltinOperator.STRIDED_SLICE, new Options.StridedSlice(0, 0, 1, 0, 0, false), new int[] {x, c, c, c}, y);
        assertThatThrownBy(() -> Model.load(TfliteWriter.write(g.model(x, y))))
                .hasMessageStartingWith("operator #0 STRIDED_SLICE: ellipsis_mask, new_axis_mask and offset are not");
    }
}

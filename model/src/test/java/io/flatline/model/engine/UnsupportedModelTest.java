package io.flatline.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flatline.model.tflite.BuiltinOperator;
import io.flatline.model.tflite.Options;
import io.flatline.model.tflite.Quantization;
import io.flatline.model.tflite.SeedModels.Graph;
import io.flatline.model.tflite.TensorType;
import io.flatline.model.tflite.TfliteReader;
import io.flatline.model.tflite.TfliteWriter;
import org.junit.jupiter.api.Test;

/** A model the engine cannot run is refused with every operator at fault named, and what it does run. */
class UnsupportedModelTest {
    private static final Quantization UNIT = Quantization.perTensor(1f, 0);

    @Test
    void anUnsupportedOperatorIsNamedBySchemaNameAndIndex() {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, UNIT, null, 1, 4);
        int y = g.tensor("y", TensorType.INT8, UNIT, null, 1, 4);
        int z = g.tensor("z", TensorType.INT8, UNIT, null, 1, 4);
        g.op(BuiltinOperator.QUANTIZE, new Options.None(), new int[] {x}, y);
        g.op(117, new int[] {y}, z); // HARD_SWISH
        assertThatThrownBy(() -> Model.load(TfliteWriter.write(g.model(x, z))))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageStartingWith("operator #1 HARD_SWISH is not supported")
                .hasMessageContaining("Supported: operators ADD, AVERAGE_POOL_2D, CONCATENATION, CONV_2D")
                .hasMessageContaining("MUL").hasMessageContaining("PADV2").hasMessageContaining("QUANTIZE");
    }

    @Test
    void aCodeNewerThanTheSchemaIsNamedByNumber() throws Exception {
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, UNIT, null, 1, 4);
        int y = g.tensor("y", TensorType.INT8, UNIT, null, 1, 4);
        g.op(4000, new int[] {x}, y);
        assertThat(Model.problems(TfliteReader.read(TfliteWriter.write(g.model(x, y)))))
                .containsExactly("operator #0 builtin operator #4000 is not supported");
    }

    @Test
    void aGraphReadingStateSaysSoAndNamesTheOperator() throws Exception {
        // SVDF's shape: input, weights..., and an activation-state tensor the operator updates in place.
        Graph g = new Graph();
        int x = g.tensor("x", TensorType.INT8, UNIT, null, 1, 4);
        int state = g.variable("svdf/state", TensorType.INT16, UNIT, 1, 8);
        int y = g.tensor("y", TensorType.INT8, UNIT, null, 1, 4);
        g.op(27, new int[] {x, state}, y); // SVDF
        byte[] file = TfliteWriter.write(g.model(x, y));
        assertThat(TfliteReader.read(file).tensor(state).variable()).isTrue();
        assertThatThrownBy(() -> Model.load(file))
                .isInstanceOf(UnsupportedModelException.class)
                .satisfies(e -> assertThat(((UnsupportedModelException) e).problems()).containsExactly(
                        "operator #0 SVDF reads the variable tensor #1 \"svdf/state\" INT16[1, 8]: state kept from "
                                + "one inference to the next (LSTM, SVDF); the engine runs stateless graphs only",
                        "operator #0 SVDF is not supported"));
    }
}

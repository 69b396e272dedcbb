package io.flatline.model.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flatline.model.TestData;
import io.flatline.model.engine.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TfliteRoundTripTest {

    @ParameterizedTest
    @ValueSource(strings = {"seed1.tflite", "seed1_reshape.tflite"})
    void writingWhatWasReadGivesTheSameModel(String file) throws Exception {
        TfliteModel original = TfliteReader.read(TestData.resource(file));
        TfliteModel again = TfliteReader.read(TfliteWriter.write(original));
        assertThat(again).isEqualTo(original);
    }

    @Test
    void rewrittenSeedModelComputesTheSameOutputs() throws Exception {
        byte[] original = TestData.resource("seed1.tflite");
        Model a = Model.load(original);
        Model b = Model.load(TfliteWriter.write(TfliteReader.read(original)));
        byte[] inputs = TestData.resource("seed1_inputs.bin");
        for (int i = 0; i < TestData.INPUTS; i += 7) {
            byte[] in = TestData.row(inputs, i, TestData.INPUT_BYTES);
            assertThat(b.run(in, io.flatline.model.arith.Arithmetic.LITERT))
                    .isEqualTo(a.run(in, io.flatline.model.arith.Arithmetic.LITERT));
        }
    }

    @Test
    void fixtureSeedModelHasTheFieldReportsShape() throws Exception {
        Model m = Model.load(SeedModels.bytes(SeedModels.Spec.fieldReport(1)));
        assertThat(m.input().shape()).containsExactly(1, 50, 10);
        assertThat(m.input().type()).isEqualTo(TensorType.INT8);
        assertThat(m.output().shape()).containsExactly(1, 5);
        assertThat(m.output().scale()).isEqualTo(1f / 256);
        assertThat(m.output().zeroPoint()).isEqualTo(-128);
        assertThat(m.graph().operators()).extracting(OperatorDef::op).containsExactly(BuiltinOperator.EXPAND_DIMS,
                BuiltinOperator.CONV_2D, BuiltinOperator.RESHAPE, BuiltinOperator.MEAN, BuiltinOperator.FULLY_CONNECTED,
                BuiltinOperator.SOFTMAX);
    }

    @Test
    void modelIdIsTheSha256OfTheFile() throws Exception {
        Model m = Model.load(TestData.resource("seed1.tflite"));
        assertThat(m.modelId()).hasSize(64).isEqualTo(Model.sha256(TestData.resource("seed1.tflite")));
        assertThat(Model.load(TestData.resource("seed1_reshape.tflite")).modelId()).isNotEqualTo(m.modelId());
    }

    @Test
    void wrongIdentifierIsNamed() {
        byte[] bytes = TestData.resource("seed1.tflite").clone();
        bytes[4] = 'X';
        assertThatThrownBy(() -> TfliteReader.read(bytes)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not a TFLite model").hasMessageContaining("XFL3");
    }
}

package io.flatline.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.flatline.model.TestData;
import io.flatline.model.arith.Arithmetic;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The acceptance vectors: LiteRT's own outputs (confirmed by Arm NN) and the TFLite Micro reference
 * arithmetic, for all 254 inputs and both encodings of the seed model.
 */
class SeedVectorsTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "seed1.tflite, LITERT, seed1_expected_litert.bin",
        "seed1_reshape.tflite, LITERT, seed1_expected_litert.bin",
        "seed1.tflite, TFLM, seed1_expected_tflm.bin",
        "seed1_reshape.tflite, TFLM, seed1_expected_tflm.bin",
    })
    void reproducesEveryExpectedOutput(String modelFile, Arithmetic arithmetic, String expectedFile) throws Exception {
        Model model = Model.load(TestData.resource(modelFile));
        byte[] inputs = TestData.resource("seed1_inputs.bin");
        byte[] expected = TestData.resource(expectedFile);
        List<Integer> mismatches = new ArrayList<>();
        for (int i = 0; i < TestData.INPUTS; i++) {
            byte[] out = model.run(TestData.row(inputs, i, TestData.INPUT_BYTES), arithmetic);
            if (!Arrays.equals(out, TestData.row(expected, i, TestData.OUTPUT_BYTES))) {
                mismatches.add(i);
            }
        }
        assertThat(mismatches).as("inputs whose output differs").isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"seed1.tflite", "seed1_reshape.tflite"})
    void theTwoArithmeticsDisagreeOnTheRowsTheVectorsSayTheyDo(String modelFile) throws Exception {
        Model model = Model.load(TestData.resource(modelFile));
        byte[] inputs = TestData.resource("seed1_inputs.bin");
        int differing = 0;
        for (int i = 0; i < TestData.INPUTS; i++) {
            byte[] in = TestData.row(inputs, i, TestData.INPUT_BYTES);
            if (!Arrays.equals(model.run(in, Arithmetic.LITERT), model.run(in, Arithmetic.TFLM))) {
                differing++;
            }
        }
        assertThat(differing).isEqualTo(TestData.INPUTS - 200);
    }
}

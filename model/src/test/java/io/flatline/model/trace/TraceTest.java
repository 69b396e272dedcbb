package io.flatline.model.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.flatline.model.TestData;
import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Interpreter;
import io.flatline.model.engine.Model;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class TraceTest {

    @Test
    void everyLayerMatchesTheSharedLiteRtTraces() throws Exception {
        Model model = Model.load(TestData.resource("seed1.tflite"));
        Interpreter interpreter = model.newInterpreter(Arithmetic.LITERT);
        byte[] inputs = TestData.resource("seed1_inputs.bin");
        Trace first = Trace.run(model, interpreter, TestData.row(inputs, 0, 500), Arithmetic.LITERT);
        for (Layer layer : first.layers().subList(1, first.layers().size())) {
            byte[] expected = TestData.resource(
                    "seed1_trace_litert_" + layer.operatorName().toLowerCase(Locale.ROOT) + ".bin");
            int size = expected.length / TestData.INPUTS;
            assertThat(layer.levels()).hasSize(size);
            for (int i = 0; i < TestData.INPUTS; i++) {
                Layer l = Trace.run(model, interpreter, TestData.row(inputs, i, 500), Arithmetic.LITERT).layers()
                        .get(layer.operator() + 1);
                assertThat(l.levels()).as("%s of input %d", l.operatorName(), i)
                        .isEqualTo(TestData.row(expected, i, size));
            }
        }
    }

    @Test
    void traceEndsWithTheRunsOutputAndStartsWithTheInput() throws Exception {
        Model model = Model.load(TestData.resource("seed1.tflite"));
        byte[] in = TestData.row(TestData.resource("seed1_inputs.bin"), 3, 500);
        Trace t = Trace.run(model, in, Arithmetic.TFLM);
        assertThat(t.layers()).hasSize(7);
        assertThat(t.layers().get(0).levels()).isEqualTo(in);
        assertThat(t.output().levels()).isEqualTo(model.run(in, Arithmetic.TFLM));
    }

    @Test
    void statsOfAConstantInputShowOneLevel() throws Exception {
        Model model = Model.load(TestData.resource("seed1.tflite"));
        byte[] in = new byte[500];
        Arrays.fill(in, (byte) -6); // the input zero point: every sensor reads exactly its mean
        Trace t = Trace.run(model, in, Arithmetic.LITERT);
        TensorStats input = t.layers().get(0).stats();
        assertThat(input.distinctLevels()).isEqualTo(1);
        assertThat(input.fractionZero()).isEqualTo(1.0);
        assertThat(t.layers().get(0).describe()).contains("100% zero, 1 of 256 levels");
    }

    @Test
    void statsCountZeroPointAndClampLimits() {
        TensorStats s = TensorStats.ofLevels(new byte[] {-128, -128, -128, 5, 127, 0, 0, -128}, -128);
        assertThat(s.elements()).isEqualTo(8);
        assertThat(s.distinctLevels()).isEqualTo(4);
        assertThat(s.fractionZero()).isEqualTo(0.5);
        assertThat(s.fractionAtLowerLimit()).isEqualTo(0.5);
        assertThat(s.fractionAtUpperLimit()).isEqualTo(0.125);
        assertThat(s.min()).isEqualTo(-128);
        assertThat(s.max()).isEqualTo(127);
    }
}

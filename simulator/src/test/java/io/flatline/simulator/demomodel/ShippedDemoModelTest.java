package io.flatline.simulator.demomodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.flatline.simulator.fleet.Regime;
import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Model;
import io.flatline.model.tflite.TensorDef;
import io.flatline.model.trace.Layer;
import io.flatline.model.trace.Trace;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.quantize.Normalization;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The files in io/flatline/simulator/demomodel, judged on simulator data none of them was made from. */
class ShippedDemoModelTest {
  private static ModelConfig demoConfig;
  private static ModelConfig saturatedConfig;
  private static Model demo;
  private static Model saturated;

  @BeforeAll
  static void load() throws Exception {
    demoConfig = ModelConfig.load(resource("demo.yaml"));
    saturatedConfig = ModelConfig.load(resource("saturated.yaml"));
    demo = Model.load(demoConfig.modelFile());
    saturated = Model.load(saturatedConfig.modelFile());
  }

  private static Path resource(String name) throws Exception {
    return Path.of(ShippedDemoModelTest.class.getResource("/io/flatline/simulator/demomodel/" + name).toURI());
  }

  @Test
  void configsDescribeTheirModels() {
    for (ModelConfig config : List.of(demoConfig, saturatedConfig)) {
      Model model = config == demoConfig ? demo : saturated;
      assertThat(config.modelFile().getFileName().toString())
          .isEqualTo(config == demoConfig ? "demo.tflite" : "saturated.tflite");
      assertThat(config.kernels()).isEqualTo(Arithmetic.LITERT);
      assertThat(config.labels()).containsExactlyElementsOf(Arrays.stream(Regime.values()).map(Regime::label).toList())
          .hasSize(model.output().elementCount());
      assertThat(model.input().shape()).containsExactly(1, 50, 10);
      assertThat(config.normalization()).isInstanceOf(Normalization.ZScore.class);
      assertThat(config.normalization().channels()).isEqualTo(10);
      assertThat(config.window().size()).isEqualTo(50);
      assertThat(config.window().stride()).isEqualTo(1);
      assertThat(config.detector().stuckRunLength()).isEqualTo(20);
      assertThat(config.detector().minDistinctInputs()).isEqualTo(10);
      assertThat(config.detector().staleRunLength()).isEqualTo(20);
      assertThat(config.comparison().toleranceLsb()).isEqualTo(1);
      assertThat(config.comparison().divergenceRun()).isEqualTo(5);
    }
    // one board preprocessing, two quantizations of it
    Normalization.ZScore a = (Normalization.ZScore) demoConfig.normalization();
    Normalization.ZScore b = (Normalization.ZScore) saturatedConfig.normalization();
    assertThat(b.mean()).containsExactly(a.mean());
    assertThat(b.std()).containsExactly(a.std());
  }

  @Test
  void isQuantizedAsTheConverterDoes() {
    List<TensorDef> tensors = demo.graph().tensors();
    TensorDef filter = tensors.stream().filter(t -> t.name().equals("conv1d/Conv1D")).findFirst().orElseThrow();
    assertThat(filter.quantization().scales()).hasSize(8);
    assertThat(filter.quantization().zeroPoints()).containsOnly(0L);
    byte[] w = filter.data();
    for (int o = 0; o < 8; o++) {
      int max = 0;
      for (int i = 0; i < 50; i++) {
        max = Math.max(max, Math.abs(w[o * 50 + i]));
      }
      assertThat(max).as("filter %d uses the whole symmetric range", o).isEqualTo(127);
    }
    assertThat(demo.output().scale()).isEqualTo(1f / 256);
    assertThat(demo.output().zeroPoint()).isEqualTo(-128);
    assertThat(demo.graph().operators()).extracting(op -> op.opName())
        .containsExactly("EXPAND_DIMS", "CONV_2D", "RESHAPE", "MEAN", "FULLY_CONNECTED", "SOFTMAX");
    // the saturated variant is the same weights under other activation ranges
    TensorDef saturatedFilter = saturated.graph().tensors().stream().filter(t -> t.name().equals("conv1d/Conv1D"))
        .findFirst().orElseThrow();
    assertThat(saturatedFilter.data()).isEqualTo(w);
    assertThat(saturated.input().scale()).isGreaterThan(40 * demo.input().scale());
  }

  @Test
  void classifiesFreshSimulatorWindows() {
    DemoData.Labelled fresh = DemoData.windows(424_242, 3, 2000, 10);
    assertThat(fresh.classCounts()).doesNotContain(0);
    assertThat(Int8Eval.accuracy(demo, demoConfig.normalization(), fresh)).isGreaterThanOrEqualTo(0.85);
  }

  @Test
  void outputKeepsMovingOnAHealthyMachine() {
    for (float[][] rows : List.of(DemoData.healthyStream(99, 649), DemoData.scheduledStream(98, 649))) {
      Int8Eval.StreamStats stats = Int8Eval.stream(demo, demoConfig.normalization(), rows);
      assertThat(stats.longestIdenticalRun()).as("%s", stats).isLessThan(20);
    }
  }

  @Test
  void saturatedOutputIsConstantWhileItsInputsStillDiffer() {
    Int8Eval.StreamStats stats = Int8Eval.stream(saturated, saturatedConfig.normalization(),
        DemoData.healthyStream(99, 649));
    assertThat(stats.distinctOutputs()).as("%s", stats).isLessThanOrEqualTo(2);
    assertThat(stats.longestIdenticalRun()).as("%s", stats).isGreaterThan(stats.windows() * 9 / 10);
    assertThat(stats.maxInputLevels()).isLessThanOrEqualTo(4);
    // different windows, so the detector calls it a stuck output, not a stale sensor
    assertThat(stats.distinctInputs()).isGreaterThan(stats.windows() * 9 / 10);
  }

  @Test
  void saturatedVariationDiesInTheConvolution() {
    float[][] rows = DemoData.healthyStream(97, 50);
    byte[] in = Int8Eval.window(Int8Eval.quantizer(saturated, saturatedConfig.normalization()), rows, 0, 50);
    List<Layer> layers = Trace.run(saturated, in, Arithmetic.LITERT).layers();
    Layer conv = layers.stream().filter(l -> l.operatorName().equals("CONV_2D")).findFirst().orElseThrow();
    Layer mean = layers.stream().filter(l -> l.operatorName().equals("MEAN")).findFirst().orElseThrow();
    assertThat(conv.stats().fractionZero()).isGreaterThan(0.9);
    assertThat(mean.stats().distinctLevels()).isEqualTo(1);
  }
}

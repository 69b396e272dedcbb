package io.flatline.simulator.demomodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flatline.model.engine.Model;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.quantize.Normalization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoModelTrainerTest {
  /** Enough to exercise every step, far too little to learn anything. */
  private static final DemoModelTrainer.Budget TINY =
      new DemoModelTrainer.Budget(2, 1, 400, 10, 20, new Training.Settings(2, 16, 0.01, 0.4, 1e-4));

  @TempDir
  Path dir;

  @Test
  void theSameSeedMakesTheSameBytes() {
    DemoModelTrainer.Result a = DemoModelTrainer.build(3, TINY);
    DemoModelTrainer.Result b = DemoModelTrainer.build(3, TINY);
    assertThat(b.net().convW()).containsExactly(a.net().convW());
    assertThat(b.net().denseW()).containsExactly(a.net().denseW());
    assertThat(b.demo().tflite()).isEqualTo(a.demo().tflite());
    assertThat(b.saturated().tflite()).isEqualTo(a.saturated().tflite());
    assertThat(DemoModelTrainer.build(4, TINY).demo().tflite()).isNotEqualTo(a.demo().tflite());
  }

  @Test
  void writesConfigsThatTheStreamsApplicationReads() throws Exception {
    DemoModelTrainer.Result r = DemoModelTrainer.build(3, TINY);
    DemoModelTrainer.write(r, dir);
    for (String name : new String[] {"demo", "saturated"}) {
      ModelConfig config = ModelConfig.load(dir.resolve(name + ".yaml"));
      assertThat(config.modelFile()).isEqualTo(dir.resolve(name + ".tflite"));
      Normalization.ZScore read = (Normalization.ZScore) config.normalization();
      assertThat(read.mean()).containsExactly(r.norm().mean());
      assertThat(read.std()).containsExactly(r.norm().std());
      Model model = Model.load(Files.readAllBytes(config.modelFile()));
      assertThat(config.labels()).hasSize(model.output().elementCount());
    }
  }

  @Test
  void backpropMatchesFiniteDifferences() {
    Random random = new Random(11);
    FloatNet net = FloatNet.initial(random);
    // biases a little positive so that most ReLUs are open and their gradients are tested
    double[] convB = new double[FloatNet.FILTERS];
    java.util.Arrays.fill(convB, 0.3);
    net = new FloatNet(net.convW(), convB, net.denseW(), net.denseB());
    float[] x = new float[FloatNet.STEPS * FloatNet.CHANNELS];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    int label = 2;
    double smoothing = 0.4;
    double[][] grads = {new double[400], new double[8], new double[40], new double[5]};
    Training.accumulate(net, x, label, smoothing, grads);

    double h = 1e-6;
    for (int p = 0; p < 4; p++) {
      for (int i = 0; i < grads[p].length; i += p == 0 ? 37 : 1) {
        double numeric = (loss(perturb(net, p, i, h), x, label, smoothing)
            - loss(perturb(net, p, i, -h), x, label, smoothing)) / (2 * h);
        assertThat(grads[p][i]).as("parameter group %d index %d", p, i).isCloseTo(numeric, within(1e-6));
      }
    }
  }

  @Test
  void quantizesRangesAsTheConverter() {
    // ReLU outputs: [0, max] on the full int8 range, zero at -128
    assertThat(Int8Converter.asymmetric(0, 2.55).zeroPoint()).isEqualTo(-128);
    assertThat(Int8Converter.asymmetric(0, 2.55).scale()).isCloseTo(0.01f, within(1e-8f));
    // ranges widen to hold zero, and zero stays exactly representable
    Int8Converter.Affine a = Int8Converter.asymmetric(-1, 3);
    assertThat(a.scale()).isEqualTo((float) (4 / 255.0));
    assertThat(a.zeroPoint()).isEqualTo(-64);
    assertThat(Int8Converter.asymmetric(1, 3).zeroPoint()).isEqualTo(-128);
  }

  @Test
  void zscoreIsPerChannelOverEveryReading() {
    float[][] w1 = new float[2][10];
    float[][] w2 = new float[2][10];
    w1[0][3] = 1;
    w1[1][3] = 3;
    w2[0][3] = 1;
    w2[1][3] = 3;
    for (float[] row : new float[][] {w1[0], w1[1], w2[0], w2[1]}) {
      row[0] = 5;
    }
    Normalization.ZScore z = Training.zscore(java.util.List.of(w1, w2));
    assertThat(z.mean()[3]).isEqualTo(2f);
    assertThat(z.std()[3]).isEqualTo(1f);
    assertThat(z.mean()[0]).isEqualTo(5f);
  }

  private static double loss(FloatNet net, float[] x, int label, double smoothing) {
    double[] p = net.forward(x).probs();
    double l = 0;
    for (int u = 0; u < p.length; u++) {
      double target = (u == label ? 1 - smoothing : 0) + smoothing / p.length;
      l -= target * Math.log(p[u]);
    }
    return l;
  }

  private static FloatNet perturb(FloatNet net, int group, int index, double h) {
    double[][] params = {net.convW(), net.convB(), net.denseW(), net.denseB()};
    params[group][index] += h;
    return new FloatNet(params[0], params[1], params[2], params[3]);
  }
}

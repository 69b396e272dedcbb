package io.flatline.simulator.demomodel;

import io.flatline.simulator.fleet.Regime;
import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Model;
import io.flatline.model.trace.Layer;
import io.flatline.model.trace.Trace;
import io.flatline.streams.quantize.Normalization;
import java.io.IOException;
import java.math.BigDecimal;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Makes the demo model and its saturated variant from the simulator: labelled windows, z-score statistics,
 * float training, post-training int8 quantization, then checks of the written files with the engine.
 *
 * <pre>
 * DemoModelTrainer [--out DIR] [--seed N]
 * </pre>
 * writes demo.tflite, saturated.tflite, demo.yaml and saturated.yaml into DIR (by default the simulator module's
 * resources) and prints the calibration and accuracy figures. The same seed writes the same bytes.
 */
public final class DemoModelTrainer {
  public static final long DEFAULT_SEED = 7;
  public static final Path DEFAULT_OUT = Path.of("simulator/src/main/resources/io/flatline/simulator/demomodel");
  /**
   * How far beyond the representative range the saturated variant's glitch windows reach. The converter then
   * spreads 256 levels over a range the real inputs use a sliver of. Too little (40) and healthy windows keep
   * 3-6 input levels and an output that still moves now and then; at 70 machines whose slow channels sit on a
   * level boundary still flip the output often; too much (90 and more) and consecutive windows quantize
   * identically for dozens of readings, which the detector rightly calls a stale sensor, not a stuck output.
   * At 80 the output is constant for hundreds of windows at a time while every 20 windows hold at least 12
   * different inputs.
   */
  public static final double OUTLIER_FACTOR = 80;

  private DemoModelTrainer() {}

  /** How much data and training: the demo's, or a small one for checking determinism. */
  public record Budget(int trainMachines, int testMachines, int steps, int stride, int calibrationWindows,
      Training.Settings settings) {
    public static Budget demo() {
      return new Budget(16, 6, 2500, 8, 400, Training.Settings.demo());
    }
  }

  /** One quantization of the trained weights: the calibrated ranges, the int8 parameters and the file. */
  public record Variant(Int8Converter.Ranges ranges, Int8Converter.Quantized quantized, byte[] tflite) {
    static Variant of(FloatNet net, List<float[]> calibration, String description) {
      Int8Converter.Ranges ranges = Int8Converter.calibrate(net, calibration);
      Int8Converter.Quantized q = Int8Converter.quantize(net, ranges);
      return new Variant(ranges, q, Int8Converter.tflite(q, description));
    }
  }

  /** Everything made from one seed, before anything touches the disk. */
  public record Result(Normalization.ZScore norm, FloatNet net, List<float[]> representative, Variant demo,
      Variant saturated, double floatTrainAccuracy, double floatTestAccuracy, DemoData.Labelled train,
      DemoData.Labelled test) {}

  public static Result build(long seed, Budget b) {
    DemoData.Labelled train = DemoData.windows(seed, b.trainMachines(), b.steps(), b.stride());
    DemoData.Labelled test = DemoData.windows(seed + 1_000_003, b.testMachines(), b.steps(), b.stride());
    Normalization.ZScore norm = Training.zscore(train.windows());
    float[][] x = normalised(norm, train);
    FloatNet net = Training.train(x, train.labels(), b.settings(), seed);

    // an evenly spread tenth or so of the training windows, as a converter's representative_dataset would be
    List<float[]> representative = new ArrayList<>();
    int every = Math.max(1, x.length / b.calibrationWindows());
    for (int i = 0; i < x.length && representative.size() < b.calibrationWindows(); i += every) {
      representative.add(x[i]);
    }
    String what = "Conv1D(8,5,same,relu)-GAP-Dense(5)-softmax, full int8; trained on the Flatline simulator, seed "
        + seed;
    Variant demo = Variant.of(net, representative, "Flatline demo model: " + what);
    Variant saturated = saturatedVariant(net, representative, demo.ranges(), OUTLIER_FACTOR,
        "Flatline demo model, saturated variant (calibrated with glitch windows): " + what);
    return new Result(norm, net, List.copyOf(representative), demo, saturated, accuracy(net, x, train.labels()),
        accuracy(net, normalised(norm, test), test.labels()), train, test);
  }

  /** The same weights, calibrated on the representative windows plus glitch windows {@code factor} times out. */
  static Variant saturatedVariant(FloatNet net, List<float[]> representative, Int8Converter.Ranges ranges,
      double factor, String description) {
    List<float[]> polluted = new ArrayList<>(representative);
    polluted.addAll(glitches(representative.get(0), ranges, factor));
    return Variant.of(net, polluted, description);
  }

  /**
   * Calibration windows in which one channel sits {@code factor} times beyond the representative input range,
   * on either side, for the whole window: what a sensor that read full scale while the calibration data was
   * logged does to a calibration set.
   */
  static List<float[]> glitches(float[] base, Int8Converter.Ranges ranges, double factor) {
    List<float[]> out = new ArrayList<>();
    for (int c = 0; c < DemoData.CHANNELS; c++) {
      for (double extreme : new double[] {ranges.inputMin(), ranges.inputMax()}) {
        float[] w = base.clone();
        for (int t = 0; t < DemoData.STEPS; t++) {
          w[t * DemoData.CHANNELS + c] = (float) (extreme * factor);
        }
        out.add(w);
      }
    }
    return out;
  }

  static float[][] normalised(Normalization norm, DemoData.Labelled data) {
    float[][] x = new float[data.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = Training.normalise(norm, data.windows().get(i));
    }
    return x;
  }

  static double accuracy(FloatNet net, float[][] x, int[] y) {
    int right = 0;
    for (int i = 0; i < x.length; i++) {
      right += net.predict(x[i]) == y[i] ? 1 : 0;
    }
    return right / (double) x.length;
  }

  public static void write(Result r, Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve("demo.tflite"), r.demo().tflite());
    Files.write(dir.resolve("saturated.tflite"), r.saturated().tflite());
    Files.writeString(dir.resolve("demo.yaml"), modelConfig("demo.tflite", r.norm(),
        "The demo model: trained on the simulator's five regimes, quantized with a representative calibration set."));
    Files.writeString(dir.resolve("saturated.yaml"), modelConfig("saturated.tflite", r.norm(),
        "The same weights quantized from a calibration set with glitch readings: its output does not move."));
  }

  /** The model config the streams application reads ({@code ModelConfig.load}). */
  static String modelConfig(String file, Normalization.ZScore norm, String comment) {
    String labels = Arrays.stream(Regime.values()).map(Regime::label).collect(Collectors.joining(", "));
    return "# " + comment + "\n"
        + "# Written by io.flatline.simulator.demomodel.DemoModelTrainer; regenerate rather than edit (docs/demo-model.md).\n"
        + "# Channels: vib_x, vib_y, vib_z, temperature, current, voltage, speed, pressure, flow, acoustic.\n"
        + "model:\n"
        + "  file: " + file + "\n"
        + "  kernels: litert\n"
        + "  labels: [" + labels + "]\n"
        + "normalization:\n"
        + "  method: zscore\n"
        + "  mean: " + floats(norm.mean()) + "\n"
        + "  std: " + floats(norm.std()) + "\n"
        + "window:\n"
        + "  size: 50\n"
        + "  stride: 1\n"
        + "detector:\n"
        + "  stuckRunLength: 20\n"
        + "  minDistinctInputs: 10\n"
        + "  staleRunLength: 20\n"
        + "comparison:\n"
        + "  toleranceLsb: 1\n"
        + "  divergenceRun: 5\n";
  }

  private static String floats(float[] values) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      // plain decimals: SnakeYAML's YAML 1.1 resolver reads 1.0E10 as a string; the shortest float string
      // still parses back to the very same float32
      s.append(i == 0 ? "" : ", ").append(new BigDecimal(Float.toString(values[i])).toPlainString());
    }
    return s.append(']').toString();
  }

  /** The figures docs/demo-model.md quotes, checked against the written bytes with the engine. */
  static void report(Result r, long seed, PrintStream out) throws Exception {
    Model demo = Model.load(r.demo().tflite());
    Model saturated = Model.load(r.saturated().tflite());
    out.printf(Locale.ROOT, "z-score mean %s%n        std  %s%n", Arrays.toString(r.norm().mean()),
        Arrays.toString(r.norm().std()));
    out.printf(Locale.ROOT, "windows per class: train %s, test %s%n", Arrays.toString(r.train().classCounts()),
        Arrays.toString(r.test().classCounts()));
    describe(out, "demo", r.demo());
    describe(out, "saturated", r.saturated());
    out.printf(Locale.ROOT, "float accuracy: train %.4f, test %.4f%n", r.floatTrainAccuracy(), r.floatTestAccuracy());
    out.printf(Locale.ROOT, "int8 (litert) test accuracy %.4f, top-1 agreement with float %.4f%n",
        Int8Eval.accuracy(demo, r.norm(), r.test()), Int8Eval.agreement(demo, r.norm(), r.net(), r.test()));
    out.printf(Locale.ROOT, "saturated int8 test accuracy %.4f%n", Int8Eval.accuracy(saturated, r.norm(), r.test()));
    int worstHealthy = 0;
    int worstScheduled = 0;
    int saturatedOutputs = 0;
    int saturatedShortestRun = Integer.MAX_VALUE;
    int saturatedMaxLevels = 0;
    int saturatedMinDistinctInputs = Integer.MAX_VALUE;
    int machines = 20;
    for (int m = 0; m < machines; m++) {
      float[][] healthy = DemoData.healthyStream(seed + 2_000_003 + m, 1049);
      worstHealthy = Math.max(worstHealthy, Int8Eval.stream(demo, r.norm(), healthy).longestIdenticalRun());
      Int8Eval.StreamStats s = Int8Eval.stream(saturated, r.norm(), healthy);
      saturatedOutputs = Math.max(saturatedOutputs, s.distinctOutputs());
      saturatedShortestRun = Math.min(saturatedShortestRun, s.longestIdenticalRun());
      saturatedMaxLevels = Math.max(saturatedMaxLevels, s.maxInputLevels());
      saturatedMinDistinctInputs = Math.min(saturatedMinDistinctInputs, s.distinctInputs());
      worstScheduled = Math.max(worstScheduled,
          Int8Eval.stream(demo, r.norm(), DemoData.scheduledStream(seed + 3_000_003 + m, 1049)).longestIdenticalRun());
    }
    out.printf(Locale.ROOT, "demo, %d machines x 1000 stride-1 windows: longest run of identical net_out %d healthy, "
        + "%d on the regime schedule%n", machines, worstHealthy, worstScheduled);
    out.printf(Locale.ROOT, "saturated, same healthy streams: at most %d distinct net_out per stream (shortest "
            + "longest-run %d of 1000), inputs use at most %d levels, at least %d distinct input windows%n",
        saturatedOutputs, saturatedShortestRun, saturatedMaxLevels, saturatedMinDistinctInputs);
    float[][] healthy = DemoData.healthyStream(seed + 2_000_003, 50);
    for (Model model : List.of(demo, saturated)) {
      out.println((model == demo ? "demo" : "saturated") + " trace of one healthy window:");
      byte[] in = Int8Eval.window(Int8Eval.quantizer(model, r.norm()), healthy, 0, 50);
      for (Layer layer : Trace.run(model, in, Arithmetic.LITERT).layers()) {
        out.println("  " + layer.describe() + (layer.levels() != null && layer.levels().length <= 8
            ? " " + Arrays.toString(layer.levels()) : ""));
      }
    }
  }

  private static void describe(PrintStream out, String name, Variant v) {
    Int8Converter.Ranges r = v.ranges();
    Int8Converter.Quantized q = v.quantized();
    out.printf(Locale.ROOT, "%s calibration: input [%.4f, %.4f] -> scale %s zp %d; conv max %.4f -> scale %s; "
            + "mean max %.4f -> scale %s; logits [%.4f, %.4f] -> scale %s zp %d%n", name, r.inputMin(), r.inputMax(),
        q.input().scale(), q.input().zeroPoint(), r.convMax(), q.conv().scale(), r.poolMax(), q.pool().scale(),
        r.logitMin(), r.logitMax(), q.logits().scale(), q.logits().zeroPoint());
    out.printf(Locale.ROOT, "%s conv weight scales %s, dense weight scale %s%n", name,
        Arrays.toString(q.convScales()), q.denseScale());
  }

  public static void main(String[] args) throws Exception {
    Path out = DEFAULT_OUT;
    long seed = DEFAULT_SEED;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(value(args, ++i, "--out"));
        case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
        case "-h", "--help" -> {
          System.out.println("usage: DemoModelTrainer [--out DIR] [--seed N]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: DemoModelTrainer [--out DIR] [--seed N]");
      }
    }
    long started = System.nanoTime();
    Result r = build(seed, Budget.demo());
    System.out.printf(Locale.ROOT, "trained and quantized in %.1f s%n", (System.nanoTime() - started) / 1e9);
    write(r, out);
    System.out.println("wrote " + out.toAbsolutePath());
    report(r, seed, System.out);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }
}

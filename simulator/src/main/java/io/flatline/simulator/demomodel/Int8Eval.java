package io.flatline.simulator.demomodel;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Model;
import io.flatline.streams.quantize.InputQuantizer;
import io.flatline.streams.quantize.Normalization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a written model through the engine as the streams application would: each reading normalised and
 * quantized by {@link InputQuantizer}, windows time-major, LiteRT arithmetic.
 */
public final class Int8Eval {
  private Int8Eval() {}

  /** How a model's raw output behaves over a stream of stride-1 windows. */
  public record StreamStats(int windows, int longestIdenticalRun, int distinctOutputs, int distinctInputs,
      int minInputLevels, int maxInputLevels) {}

  public static InputQuantizer quantizer(Model model, Normalization norm) {
    return new InputQuantizer(norm, model.input().scale(), model.input().zeroPoint());
  }

  public static byte[] window(InputQuantizer q, float[][] rows, int start, int steps) {
    byte[] out = new byte[steps * DemoData.CHANNELS];
    for (int t = 0; t < steps; t++) {
      q.quantizeRow(boxed(rows[start + t]), out, t * DemoData.CHANNELS);
    }
    return out;
  }

  public static int top1(byte[] netOut) {
    int best = 0;
    for (int i = 1; i < netOut.length; i++) {
      if (netOut[i] > netOut[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Top-1 accuracy of the int8 model on labelled windows. */
  public static double accuracy(Model model, Normalization norm, DemoData.Labelled data) {
    InputQuantizer q = quantizer(model, norm);
    int right = 0;
    for (int i = 0; i < data.size(); i++) {
      float[][] w = data.windows().get(i);
      right += top1(model.run(window(q, w, 0, w.length), Arithmetic.LITERT)) == data.label(i) ? 1 : 0;
    }
    return right / (double) data.size();
  }

  /** How often the int8 model's top-1 is the float model's. */
  public static double agreement(Model model, Normalization norm, FloatNet net, DemoData.Labelled data) {
    InputQuantizer q = quantizer(model, norm);
    int same = 0;
    for (int i = 0; i < data.size(); i++) {
      float[][] w = data.windows().get(i);
      int int8 = top1(model.run(window(q, w, 0, w.length), Arithmetic.LITERT));
      same += int8 == net.predict(Training.normalise(norm, w)) ? 1 : 0;
    }
    return same / (double) data.size();
  }

  /** Every stride-1 window of {@code rows}: the longest run of identical net_out and how varied things are. */
  public static StreamStats stream(Model model, Normalization norm, float[][] rows) {
    InputQuantizer q = quantizer(model, norm);
    int steps = model.input().shape().get(1);
    List<byte[]> outputs = new ArrayList<>();
    Set<String> distinctOut = new HashSet<>();
    Set<String> distinctIn = new HashSet<>();
    int minLevels = 256;
    int maxLevels = 0;
    for (int start = 0; start + steps <= rows.length; start++) {
      byte[] in = window(q, rows, start, steps);
      byte[] out = model.run(in, Arithmetic.LITERT);
      outputs.add(out);
      distinctOut.add(Arrays.toString(out));
      distinctIn.add(Arrays.toString(in));
      int levels = InputQuantizer.distinctLevels(in);
      minLevels = Math.min(minLevels, levels);
      maxLevels = Math.max(maxLevels, levels);
    }
    return new StreamStats(outputs.size(), longestIdenticalRun(outputs), distinctOut.size(), distinctIn.size(),
        minLevels, maxLevels);
  }

  public static int longestIdenticalRun(List<byte[]> outputs) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < outputs.size(); i++) {
      run = i > 0 && Arrays.equals(outputs.get(i), outputs.get(i - 1)) ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    return longest;
  }

  static List<Float> boxed(float[] row) {
    List<Float> values = new ArrayList<>(row.length);
    for (float v : row) {
      values.add(v);
    }
    return values;
  }
}

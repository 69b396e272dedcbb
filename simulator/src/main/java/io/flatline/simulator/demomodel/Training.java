package io.flatline.simulator.demomodel;

import io.flatline.streams.quantize.Normalization;
import java.util.List;
import java.util.Random;

/**
 * Mini-batch Adam with hand-written backprop for {@link FloatNet}, and the z-score statistics the boards
 * normalise with. Sequential double arithmetic and StrictMath throughout, so a seed fixes every bit.
 */
public final class Training {
  private Training() {}

  /**
   * @param labelSmoothing the target keeps {@code 1 - labelSmoothing} on the true class; besides regularising,
   *                       it stops the softmax from pinning at 127/-128 on confident windows, where the int8
   *                       output would stop moving with its input and look stuck
   * @param weightDecay    decoupled (AdamW) decay of the weights, not the biases
   */
  public record Settings(int epochs, int batchSize, double learningRate, double labelSmoothing, double weightDecay) {
    public static Settings demo() {
      return new Settings(40, 32, 0.01, 0.4, 1e-4);
    }
  }

  /** Per-channel mean and standard deviation over every reading of the windows, rounded to float32 as shipped. */
  public static Normalization.ZScore zscore(List<float[][]> windows) {
    int channels = DemoData.CHANNELS;
    double[] sum = new double[channels];
    double[] sumSq = new double[channels];
    long n = 0;
    for (float[][] w : windows) {
      for (float[] row : w) {
        for (int c = 0; c < channels; c++) {
          sum[c] += row[c];
        }
        n++;
      }
    }
    float[] mean = new float[channels];
    for (int c = 0; c < channels; c++) {
      mean[c] = (float) (sum[c] / n);
    }
    for (float[][] w : windows) {
      for (float[] row : w) {
        for (int c = 0; c < channels; c++) {
          double d = row[c] - (double) mean[c];
          sumSq[c] += d * d;
        }
      }
    }
    float[] std = new float[channels];
    for (int c = 0; c < channels; c++) {
      std[c] = (float) Math.sqrt(sumSq[c] / n);
    }
    return new Normalization.ZScore(mean, std);
  }

  /** A window as the model sees it: normalised in float32 exactly as the boards do, time-major. */
  public static float[] normalise(Normalization norm, float[][] window) {
    float[] x = new float[window.length * DemoData.CHANNELS];
    for (int t = 0; t < window.length; t++) {
      for (int c = 0; c < DemoData.CHANNELS; c++) {
        x[t * DemoData.CHANNELS + c] = norm.apply(c, window[t][c]);
      }
    }
    return x;
  }

  public static FloatNet train(float[][] x, int[] y, Settings s, long seed) {
    Random random = new Random(seed);
    FloatNet init = FloatNet.initial(random);
    double[][] params = {init.convW(), init.convB(), init.denseW(), init.denseB()};
    boolean[] decays = {true, false, true, false};
    double[][] m = new double[params.length][];
    double[][] v = new double[params.length][];
    for (int i = 0; i < params.length; i++) {
      m[i] = new double[params[i].length];
      v[i] = new double[params[i].length];
    }
    int[] order = new int[x.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    final double beta1 = 0.9;
    final double beta2 = 0.999;
    final double eps = 1e-8;
    long step = 0;
    for (int epoch = 0; epoch < s.epochs(); epoch++) {
      shuffle(order, random);
      // cosine decay to a tenth: large steps to find the regimes, small ones to settle the boundaries
      double lr = s.learningRate() * (0.1 + 0.45 * (1 + StrictMath.cos(Math.PI * epoch / s.epochs())));
      for (int start = 0; start < order.length; start += s.batchSize()) {
        int end = Math.min(order.length, start + s.batchSize());
        FloatNet net = new FloatNet(params[0], params[1], params[2], params[3]);
        double[][] grads = {new double[params[0].length], new double[params[1].length],
            new double[params[2].length], new double[params[3].length]};
        for (int b = start; b < end; b++) {
          accumulate(net, x[order[b]], y[order[b]], s.labelSmoothing(), grads);
        }
        step++;
        double bc1 = 1 - StrictMath.pow(beta1, step);
        double bc2 = 1 - StrictMath.pow(beta2, step);
        double n = end - start;
        for (int p = 0; p < params.length; p++) {
          for (int i = 0; i < params[p].length; i++) {
            double g = grads[p][i] / n;
            m[p][i] = beta1 * m[p][i] + (1 - beta1) * g;
            v[p][i] = beta2 * v[p][i] + (1 - beta2) * g * g;
            double update = (m[p][i] / bc1) / (Math.sqrt(v[p][i] / bc2) + eps);
            if (decays[p]) {
              update += s.weightDecay() * params[p][i];
            }
            params[p][i] -= lr * update;
          }
        }
      }
    }
    return new FloatNet(params[0], params[1], params[2], params[3]);
  }

  /** Adds one window's cross-entropy gradient (against the smoothed target) to {@code grads}. */
  static void accumulate(FloatNet net, float[] x, int label, double smoothing, double[][] grads) {
    FloatNet.Pass pass = net.forward(x);
    int classes = FloatNet.CLASSES;
    int filters = FloatNet.FILTERS;
    double[] denseW = net.denseW();
    double[] dLogits = new double[classes];
    for (int u = 0; u < classes; u++) {
      double target = (u == label ? 1 - smoothing : 0) + smoothing / classes;
      dLogits[u] = pass.probs()[u] - target;
    }
    double[] dPooled = new double[filters];
    for (int u = 0; u < classes; u++) {
      grads[3][u] += dLogits[u];
      for (int o = 0; o < filters; o++) {
        grads[2][u * filters + o] += dLogits[u] * pass.pooled()[o];
        dPooled[o] += dLogits[u] * denseW[u * filters + o];
      }
    }
    double[] conv = pass.conv();
    for (int t = 0; t < FloatNet.STEPS; t++) {
      for (int o = 0; o < filters; o++) {
        if (conv[t * filters + o] <= 0) {
          continue;
        }
        double dz = dPooled[o] / FloatNet.STEPS;
        grads[1][o] += dz;
        for (int k = 0; k < FloatNet.KERNEL; k++) {
          int ti = t + k - FloatNet.PAD;
          if (ti < 0 || ti >= FloatNet.STEPS) {
            continue;
          }
          int wi = (o * FloatNet.KERNEL + k) * FloatNet.CHANNELS;
          int xi = ti * FloatNet.CHANNELS;
          for (int c = 0; c < FloatNet.CHANNELS; c++) {
            grads[0][wi + c] += dz * x[xi + c];
          }
        }
      }
    }
  }

  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

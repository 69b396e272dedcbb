package io.flatline.simulator.demomodel;

import java.util.Random;

/**
 * The seed architecture in float: Conv1D(8, kernel 5, padding same, ReLU) → GlobalAveragePooling1D → Dense(5)
 * → softmax, over a (50, 10) window of normalised readings laid out time-major ({@code t * 10 + c}).
 *
 * @param convW  [filter][tap][channel], the layout of the TFLite filter tensor [8, 1, 5, 10]
 * @param convB  one per filter
 * @param denseW [class][filter], the layout of the TFLite fully-connected weights [5, 8]
 * @param denseB one per class
 */
public record FloatNet(double[] convW, double[] convB, double[] denseW, double[] denseB) {
  public static final int STEPS = DemoData.STEPS;
  public static final int CHANNELS = DemoData.CHANNELS;
  public static final int FILTERS = 8;
  public static final int KERNEL = 5;
  public static final int CLASSES = 5;
  /** Keras "same" padding for an odd kernel: as many taps before the centre as after. */
  static final int PAD = (KERNEL - 1) / 2;

  public FloatNet {
    convW = convW.clone();
    convB = convB.clone();
    denseW = denseW.clone();
    denseB = denseB.clone();
  }

  /** He initialisation for the ReLU layer, Glorot for the classifier, zero biases: Keras's defaults in spirit. */
  public static FloatNet initial(Random random) {
    double[] w = new double[FILTERS * KERNEL * CHANNELS];
    double convStd = Math.sqrt(2.0 / (KERNEL * CHANNELS));
    for (int i = 0; i < w.length; i++) {
      w[i] = random.nextGaussian() * convStd;
    }
    double[] d = new double[CLASSES * FILTERS];
    double denseStd = Math.sqrt(2.0 / (FILTERS + CLASSES));
    for (int i = 0; i < d.length; i++) {
      d[i] = random.nextGaussian() * denseStd;
    }
    return new FloatNet(w, new double[FILTERS], d, new double[CLASSES]);
  }

  @Override
  public double[] convW() {
    return convW.clone();
  }

  @Override
  public double[] convB() {
    return convB.clone();
  }

  @Override
  public double[] denseW() {
    return denseW.clone();
  }

  @Override
  public double[] denseB() {
    return denseB.clone();
  }

  /** Every activation of one forward pass, kept for backprop and calibration. */
  public record Pass(double[] conv, double[] pooled, double[] logits, double[] probs) {
    public int top1() {
      return argmax(probs);
    }
  }

  public Pass forward(float[] x) {
    double[] conv = new double[STEPS * FILTERS];
    double[] pooled = new double[FILTERS];
    for (int t = 0; t < STEPS; t++) {
      for (int o = 0; o < FILTERS; o++) {
        double acc = convB[o];
        for (int k = 0; k < KERNEL; k++) {
          int ti = t + k - PAD;
          if (ti < 0 || ti >= STEPS) {
            continue;
          }
          int wi = (o * KERNEL + k) * CHANNELS;
          int xi = ti * CHANNELS;
          for (int c = 0; c < CHANNELS; c++) {
            acc += convW[wi + c] * x[xi + c];
          }
        }
        double relu = Math.max(0, acc);
        conv[t * FILTERS + o] = relu;
        pooled[o] += relu;
      }
    }
    for (int o = 0; o < FILTERS; o++) {
      pooled[o] /= STEPS;
    }
    double[] logits = new double[CLASSES];
    for (int u = 0; u < CLASSES; u++) {
      double acc = denseB[u];
      for (int o = 0; o < FILTERS; o++) {
        acc += denseW[u * FILTERS + o] * pooled[o];
      }
      logits[u] = acc;
    }
    return new Pass(conv, pooled, logits, softmax(logits));
  }

  public int predict(float[] x) {
    return forward(x).top1();
  }

  /** StrictMath so that the same seed trains the same bits on every JVM and CPU. */
  static double[] softmax(double[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) {
      max = Math.max(max, l);
    }
    double[] p = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = StrictMath.exp(logits[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}

package io.flatline.simulator.demomodel;

import io.flatline.model.tflite.BuiltinOperator;
import io.flatline.model.tflite.Options;
import io.flatline.model.tflite.Options.Activation;
import io.flatline.model.tflite.Options.Padding;
import io.flatline.model.tflite.Quantization;
import io.flatline.model.tflite.SeedModels;
import io.flatline.model.tflite.TensorType;
import io.flatline.model.tflite.TfliteModel;
import io.flatline.model.tflite.TfliteWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Post-training full-int8 quantization as the TFLite converter does it: activation ranges observed by running
 * the float model over a representative dataset, asymmetric int8 activations, symmetric int8 weights
 * (per output channel for the convolution, per tensor for the dense layer), int32 biases at
 * input scale × weight scale, and the fixed 1/256 softmax output. The graph is the converter's for a Keras
 * Conv1D: EXPAND_DIMS → CONV_2D → RESHAPE → MEAN → FULLY_CONNECTED → SOFTMAX.
 */
public final class Int8Converter {
  private Int8Converter() {}

  /** The observed range of every tensor the converter quantizes from calibration. */
  public record Ranges(double inputMin, double inputMax, double convMax, double poolMax, double logitMin,
      double logitMax) {}

  /** An affine int8 quantization: {@code real = scale * (q - zeroPoint)}. */
  public record Affine(float scale, int zeroPoint) {}

  /** Everything that goes into the file. */
  public record Quantized(Affine input, float[] convScales, byte[] convW, int[] convB, Affine conv, Affine pool,
      float denseScale, byte[] denseW, int[] denseB, Affine logits) {}

  public static final Affine SOFTMAX_OUTPUT = new Affine(1f / 256, -128);

  public static Ranges calibrate(FloatNet net, List<float[]> representative) {
    double inMin = 0;
    double inMax = 0;
    double convMax = 0;
    double poolMax = 0;
    double logitMin = 0;
    double logitMax = 0;
    for (float[] x : representative) {
      for (float v : x) {
        inMin = Math.min(inMin, v);
        inMax = Math.max(inMax, v);
      }
      FloatNet.Pass pass = net.forward(x);
      for (double v : pass.conv()) {
        convMax = Math.max(convMax, v);
      }
      for (double v : pass.pooled()) {
        poolMax = Math.max(poolMax, v);
      }
      for (double v : pass.logits()) {
        logitMin = Math.min(logitMin, v);
        logitMax = Math.max(logitMax, v);
      }
    }
    return new Ranges(inMin, inMax, convMax, poolMax, logitMin, logitMax);
  }

  /** The converter's asymmetric int8 parameters for a range, widened to hold 0 so that 0 is exact. */
  public static Affine asymmetric(double min, double max) {
    double lo = Math.min(min, 0);
    double hi = Math.max(max, 0);
    if (hi - lo < 1e-9) {
      hi = lo + 1e-9;
    }
    float scale = (float) ((hi - lo) / 255.0);
    int zp = (int) clamp(roundHalfAway(-128 - lo / scale), -128, 127);
    return new Affine(scale, zp);
  }

  public static Quantized quantize(FloatNet net, Ranges r) {
    Affine in = asymmetric(r.inputMin(), r.inputMax());
    int filters = FloatNet.FILTERS;
    int perFilter = FloatNet.KERNEL * FloatNet.CHANNELS;
    double[] w = net.convW();
    double[] b = net.convB();
    float[] convScales = new float[filters];
    byte[] convW = new byte[w.length];
    int[] convB = new int[filters];
    for (int o = 0; o < filters; o++) {
      double max = 0;
      for (int i = 0; i < perFilter; i++) {
        max = Math.max(max, Math.abs(w[o * perFilter + i]));
      }
      convScales[o] = (float) (Math.max(max, 1e-12) / 127);
      for (int i = 0; i < perFilter; i++) {
        convW[o * perFilter + i] = weight(w[o * perFilter + i], convScales[o]);
      }
      convB[o] = bias(b[o], (double) in.scale() * convScales[o]);
    }
    Affine conv = asymmetric(0, r.convMax());
    Affine pool = asymmetric(0, r.poolMax());

    double[] d = net.denseW();
    double dMax = 0;
    for (double v : d) {
      dMax = Math.max(dMax, Math.abs(v));
    }
    float denseScale = (float) (Math.max(dMax, 1e-12) / 127);
    byte[] denseW = new byte[d.length];
    for (int i = 0; i < d.length; i++) {
      denseW[i] = weight(d[i], denseScale);
    }
    double[] db = net.denseB();
    int[] denseB = new int[db.length];
    for (int u = 0; u < db.length; u++) {
      denseB[u] = bias(db[u], (double) pool.scale() * denseScale);
    }
    Affine logits = asymmetric(r.logitMin(), r.logitMax());
    return new Quantized(in, convScales, convW, convB, conv, pool, denseScale, denseW, denseB, logits);
  }

  /** The flatbuffer, built with {@link SeedModels.Graph} and written by {@link TfliteWriter}. */
  public static byte[] tflite(Quantized q, String description) {
    return TfliteWriter.write(graph(q, description));
  }

  public static TfliteModel graph(Quantized q, String description) {
    int steps = FloatNet.STEPS;
    int channels = FloatNet.CHANNELS;
    int filters = FloatNet.FILTERS;
    int classes = FloatNet.CLASSES;
    SeedModels.Graph g = new SeedModels.Graph();
    Quantization qIn = perTensor(q.input());
    int input = g.tensor("serving_default_input:0", TensorType.INT8, qIn, null, 1, steps, channels);
    int axis = g.tensor("conv1d/Conv1D/ExpandDims/dim", TensorType.INT32, Quantization.NONE, ints(1));
    int expanded = g.tensor("conv1d/Conv1D/ExpandDims", TensorType.INT8, qIn, null, 1, 1, steps, channels);
    g.op(BuiltinOperator.EXPAND_DIMS, new Options.None(), new int[] {input, axis}, expanded);

    long[] zeros = new long[filters];
    float[] biasScales = new float[filters];
    for (int o = 0; o < filters; o++) {
      biasScales[o] = q.input().scale() * q.convScales()[o];
    }
    int filter = g.tensor("conv1d/Conv1D", TensorType.INT8, new Quantization(q.convScales(), zeros, 0), q.convW(),
        filters, 1, FloatNet.KERNEL, channels);
    int bias = g.tensor("conv1d/BiasAdd/ReadVariableOp", TensorType.INT32, new Quantization(biasScales, zeros, 0),
        ints(q.convB()), filters);
    Quantization qConv = perTensor(q.conv());
    int conv = g.tensor("conv1d/Relu;conv1d/BiasAdd;conv1d/Conv1D", TensorType.INT8, qConv, null, 1, 1, steps,
        filters);
    g.op(BuiltinOperator.CONV_2D, new Options.Conv(Padding.SAME, 1, 1, Activation.RELU, 1, 1),
        new int[] {expanded, filter, bias}, conv);

    int shape = g.tensor("conv1d/Conv1D/Squeeze_shape", TensorType.INT32, Quantization.NONE, ints(-1, steps, filters),
        3);
    int squeezed = g.tensor("conv1d/Relu", TensorType.INT8, qConv, null, 1, steps, filters);
    g.op(BuiltinOperator.RESHAPE, new Options.Reshape(new int[] {-1, steps, filters}), new int[] {conv, shape},
        squeezed);
    int meanAxis = g.tensor("global_average_pooling1d/Mean/reduction_indices", TensorType.INT32, Quantization.NONE,
        ints(1), 1);
    int pooled = g.tensor("global_average_pooling1d/Mean", TensorType.INT8, perTensor(q.pool()), null, 1, filters);
    g.op(BuiltinOperator.MEAN, new Options.Reducer(false), new int[] {squeezed, meanAxis}, pooled);

    int dw = g.tensor("dense/MatMul", TensorType.INT8, Quantization.perTensor(q.denseScale(), 0), q.denseW(), classes,
        filters);
    int db = g.tensor("dense/BiasAdd/ReadVariableOp", TensorType.INT32,
        Quantization.perTensor(q.pool().scale() * q.denseScale(), 0), ints(q.denseB()), classes);
    int logits = g.tensor("dense/MatMul;dense/BiasAdd", TensorType.INT8, perTensor(q.logits()), null, 1, classes);
    g.op(BuiltinOperator.FULLY_CONNECTED, new Options.FullyConnected(Activation.NONE, 0, false),
        new int[] {pooled, dw, db}, logits);
    int probs = g.tensor("StatefulPartitionedCall:0", TensorType.INT8, perTensor(SOFTMAX_OUTPUT), null, 1, classes);
    g.op(BuiltinOperator.SOFTMAX, new Options.Softmax(1f), new int[] {logits}, probs);

    TfliteModel built = g.model(input, probs);
    return new TfliteModel(built.version(), description, built.tensors(), built.operators(), built.inputs(),
        built.outputs());
  }

  private static Quantization perTensor(Affine a) {
    return Quantization.perTensor(a.scale(), a.zeroPoint());
  }

  /** Symmetric narrow-range int8: the converter never uses -128 for weights. */
  private static byte weight(double w, float scale) {
    return (byte) clamp(roundHalfAway(w / scale), -127, 127);
  }

  private static int bias(double b, double scale) {
    return (int) clamp(roundHalfAway(b / scale), Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  static long roundHalfAway(double v) {
    return (long) Math.signum(v) * (long) Math.floor(Math.abs(v) + 0.5);
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static byte[] ints(int... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }
}

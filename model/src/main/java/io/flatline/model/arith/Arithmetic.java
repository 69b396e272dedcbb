package io.flatline.model.arith;

import io.flatline.model.tflite.Options.Activation;
import java.util.Locale;

/**
 * The two integer arithmetics the engine can reproduce. They differ in how an int32 accumulator
 * becomes int8, how MEAN divides and how softmax exponentiates, and so by 1-3 LSB on ordinary
 * inputs: neither can stand in for the other.
 */
public enum Arithmetic {
    /**
     * LiteRT / tf.lite.Interpreter on a PC: conv, depthwise, fully connected and MEAN run in XNNPACK
     * (float32 multiplier, round to nearest even), softmax in TFLite's optimized kernel (float exp
     * table).
     */
    LITERT,
    /** TFLite Micro's reference kernels: gemmlowp fixed-point multipliers with double rounding. */
    TFLM;

    /** "litert" or "tflm" as a user types it. */
    public static Arithmetic parse(String name) {
        for (Arithmetic a : values()) {
            if (a.name().equalsIgnoreCase(name.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown kernels \"" + name + "\": expected litert or tflm");
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The int8 clamp of a fused activation. XNNPACK quantizes the float bounds with lrintf (ties to
     * even); the reference kernels round halves away from zero.
     */
    public int[] activationRange(Activation activation, float scale, int zeroPoint, int qmin, int qmax) {
        float lo;
        float hi;
        switch (activation) {
            case NONE -> {
                return new int[] {qmin, qmax};
            }
            case RELU -> {
                lo = 0f;
                hi = Float.POSITIVE_INFINITY;
            }
            case RELU6 -> {
                lo = 0f;
                hi = 6f;
            }
            case RELU_N1_TO_1 -> {
                lo = -1f;
                hi = 1f;
            }
            default -> throw new IllegalArgumentException("fused activation " + activation + " is not supported");
        }
        return new int[] {Math.max(qmin, quantizeBound(lo, scale, zeroPoint, qmin, qmax)),
                Math.min(qmax, quantizeBound(hi, scale, zeroPoint, qmin, qmax))};
    }

    private int quantizeBound(float real, float scale, int zeroPoint, int qmin, int qmax) {
        if (real == Float.POSITIVE_INFINITY) {
            return qmax;
        }
        if (this == LITERT) {
            float q = Math.max(Math.min(real / scale + (float) zeroPoint, (float) qmax), (float) qmin);
            return (int) Math.rint(q);
        }
        return zeroPoint + FixedPoint.roundHalfAway(real / scale);
    }

    /**
     * The requantization of a convolution or fully connected accumulator, one multiplier per output
     * channel. {@code productInFloat} marks TFLite's per-tensor fully connected, which forms
     * input_scale * filter_scale in float before widening to double.
     */
    public Requantizer requantizer(float inputScale, float[] filterScales, float outputScale, int zeroPoint,
            int min, int max, boolean productInFloat) {
        int n = filterScales.length;
        if (this == LITERT) {
            float[] scales = new float[n];
            for (int c = 0; c < n; c++) {
                scales[c] = inputScale * filterScales[c] / outputScale;
            }
            return new Requantizer.FloatMultiplier(scales, zeroPoint, min, max);
        }
        int[] mult = new int[n];
        int[] shift = new int[n];
        for (int c = 0; c < n; c++) {
            double real = productInFloat
                    ? (double) (inputScale * filterScales[c]) / (double) outputScale
                    : (double) inputScale * (double) filterScales[c] / (double) outputScale;
            FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier(real);
            mult[c] = m.multiplier();
            shift[c] = m.shift();
        }
        return new Requantizer.FixedPointMultiplier(mult, shift, zeroPoint, min, max);
    }
}

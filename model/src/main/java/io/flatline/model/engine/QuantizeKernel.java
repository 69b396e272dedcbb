package io.flatline.model.engine;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.arith.FixedPoint;

/** QUANTIZE (float32 or int8 to int8) and DEQUANTIZE (int8 to float32). */
final class QuantizeKernel {
    private QuantizeKernel() {}

    static Kernel fromFloat(Arithmetic arithmetic, int in, int out, float scale, int zeroPoint) {
        if (arithmetic == Arithmetic.LITERT) {
            // XNNPACK multiplies by the float reciprocal of the scale and rounds to nearest even.
            float inverse = 1.0f / scale;
            return slots -> {
                float[] x = (float[]) slots[in];
                byte[] y = (byte[]) slots[out];
                for (int i = 0; i < x.length; i++) {
                    float v = Math.max(Math.min(x[i] * inverse, 127f - zeroPoint), -128f - zeroPoint);
                    y[i] = (byte) ((int) Math.rint(v) + zeroPoint);
                }
            };
        }
        // The reference divides by the scale and rounds halves away from zero.
        return slots -> {
            float[] x = (float[]) slots[in];
            byte[] y = (byte[]) slots[out];
            for (int i = 0; i < x.length; i++) {
                int q = FixedPoint.roundHalfAway(x[i] / scale) + zeroPoint;
                y[i] = (byte) Math.max(-128, Math.min(127, q));
            }
        };
    }

    static Kernel requantize(Arithmetic arithmetic, int in, int out, float inScale, int inZeroPoint, float outScale,
            int outZeroPoint) {
        if (arithmetic == Arithmetic.LITERT) {
            // XNNPACK's qs8 convert: an 8-bit fractional multiplier, rounding half up.
            int multiplier = (int) Math.rint(256.0f * (inScale / outScale));
            if (multiplier < 1 || multiplier > 32768) {
                throw new IllegalArgumentException("the int8 to int8 QUANTIZE scale ratio " + inScale / outScale
                        + " is outside [2^-8, 2^7]");
            }
            int bias = (outZeroPoint << 8) - multiplier * inZeroPoint + 0x80;
            return slots -> {
                byte[] x = (byte[]) slots[in];
                byte[] y = (byte[]) slots[out];
                for (int i = 0; i < x.length; i++) {
                    y[i] = (byte) Math.max(-128, Math.min(127, (bias + x[i] * multiplier) >> 8));
                }
            };
        }
        FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier((double) inScale / (double) outScale);
        return slots -> {
            byte[] x = (byte[]) slots[in];
            byte[] y = (byte[]) slots[out];
            for (int i = 0; i < x.length; i++) {
                int q = FixedPoint.multiplyByQuantizedMultiplier(x[i] - inZeroPoint, m.multiplier(), m.shift())
                        + outZeroPoint;
                y[i] = (byte) Math.max(-128, Math.min(127, q));
            }
        };
    }

    static Kernel dequantize(Arithmetic arithmetic, int in, int out, float scale, int zeroPoint) {
        // XNNPACK multiplies in float; the reference multiplies in double and rounds once to float.
        boolean inFloat = arithmetic == Arithmetic.LITERT;
        return slots -> {
            byte[] x = (byte[]) slots[in];
            float[] y = (float[]) slots[out];
            for (int i = 0; i < x.length; i++) {
                int d = x[i] - zeroPoint;
                y[i] = inFloat ? (float) d * scale : (float) ((double) scale * d);
            }
        };
    }
}

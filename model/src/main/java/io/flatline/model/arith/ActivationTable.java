package io.flatline.model.arith;

import java.util.function.DoubleUnaryOperator;

/**
 * LOGISTIC and TANH of int8 levels. An int8 input has 256 levels, so both runtimes reduce these
 * operators to a 256-entry table of output levels, one per input level, and so does this class; the
 * arithmetics differ in how an entry is computed.
 *
 * <p>{@code litert} (XNNPACK's lookup-table operators, which LiteRT's delegate takes for int8 with
 * these output quantizations): the level dequantized in float, {@code (q − zp)·s}; the function
 * evaluated in double and rounded to float; times the inverse output scale (a power of two, so exact);
 * rounded to nearest even; plus the output zero point. Where the float product lands exactly on a
 * half, this order decides the level: LiteRT's outputs on such ties (input quantizations found by
 * search, ten fixtures in {@code src/test/resources/ops}) match this reading and none of three others
 * (the function in float with std::round, as TFLite's own table kernel; in float with rint; in double
 * throughout).
 *
 * <p>{@code tflm} (the reference integer kernels): the level minus zero point, scaled into Q4.27 by
 * {@code MultiplyByQuantizedMultiplier} with the multiplier of s·2^27; inputs beyond the radius where
 * Q4.27 would overflow saturate to −128 or 127; gemmlowp's fixed-point logistic or tanh; a rounding
 * right shift to the output's 8 (logistic, then − 128) or 7 (tanh) fractional bits; clamp.
 */
public final class ActivationTable {
    /** LOGISTIC's int8 output is scale 1/256, zero point −128; TANH's 1/128, zero point 0. */
    public static final float LOGISTIC_SCALE = 0x1.0p-8f;
    public static final int LOGISTIC_ZERO_POINT = -128;
    public static final float TANH_SCALE = 0x1.0p-7f;
    public static final int TANH_ZERO_POINT = 0;

    private static final int INPUT_INTEGER_BITS = 4;

    private ActivationTable() {}

    /** Entry {@code q + 128} is the output level for input level q. */
    public static byte[] logistic(Arithmetic a, float inputScale, int inputZeroPoint) {
        return a == Arithmetic.LITERT
                ? xnnpack(inputScale, inputZeroPoint, x -> 1 / (1 + Math.exp(-x)), LOGISTIC_SCALE, LOGISTIC_ZERO_POINT)
                : reference(inputScale, inputZeroPoint, true);
    }

    public static byte[] tanh(Arithmetic a, float inputScale, int inputZeroPoint) {
        return a == Arithmetic.LITERT
                ? xnnpack(inputScale, inputZeroPoint, Math::tanh, TANH_SCALE, TANH_ZERO_POINT)
                : reference(inputScale, inputZeroPoint, false);
    }

    private static byte[] xnnpack(float scale, int zeroPoint, DoubleUnaryOperator f, float outScale, int outZero) {
        float inverse = 1 / outScale;
        byte[] table = new byte[256];
        for (int q = -128; q < 128; q++) {
            float x = (q - zeroPoint) * scale;
            float y = (float) f.applyAsDouble(x);
            table[q + 128] = clamp((long) Math.rint(y * inverse) + outZero);
        }
        return table;
    }

    private static byte[] reference(float scale, int zeroPoint, boolean logistic) {
        FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier(
                (double) scale * (double) (1 << (31 - INPUT_INTEGER_BITS)));
        // CalculateInputRadius: the largest |q − zp| whose Q4.27 value stays below 15 (2^4 − 1).
        long radius = (long) Math.floor(((1 << INPUT_INTEGER_BITS) - 1)
                * Math.scalb(1.0, 31 - INPUT_INTEGER_BITS - m.shift()));
        byte[] table = new byte[256];
        for (int q = -128; q < 128; q++) {
            int input = q - zeroPoint;
            if (input <= -radius) {
                table[q + 128] = Byte.MIN_VALUE;
            } else if (input >= radius) {
                table[q + 128] = Byte.MAX_VALUE;
            } else {
                int inQ4 = FixedPoint.multiplyByQuantizedMultiplier(input, m.multiplier(), m.shift());
                // Q0.31 to the output's 8 fractional bits (logistic, zero point −128) or 7 (tanh, zero point 0).
                table[q + 128] = logistic
                        ? clamp(FixedPoint.roundingDivideByPot(FixedPoint.logisticQ4(inQ4), 23) + LOGISTIC_ZERO_POINT)
                        : clamp(FixedPoint.roundingDivideByPot(FixedPoint.tanhQ4(inQ4), 24));
            }
        }
        return table;
    }

    private static byte clamp(long level) {
        return (byte) Math.max(Byte.MIN_VALUE, Math.min(Byte.MAX_VALUE, level));
    }
}

package io.flatline.model.engine;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.arith.FixedPoint;
import io.flatline.model.tflite.TensorDef;

/**
 * ADD of two int8 tensors with broadcasting. Both arithmetics rescale the operands to a common
 * fixed-point scale and back, but with different multipliers and roundings.
 */
final class AddKernel {
    private AddKernel() {}

    static Kernel of(Arithmetic arithmetic, int a, int b, int out, TensorDef ta, TensorDef tb, TensorDef to,
            int[][] index, int min, int max) {
        float sa = ta.quantization().scale(0);
        float sb = tb.quantization().scale(0);
        float so = to.quantization().scale(0);
        int za = ta.quantization().zeroPoint(0);
        int zb = tb.quantization().zeroPoint(0);
        int zo = to.quantization().zeroPoint(0);
        BinaryKernel.Rule rule = arithmetic == Arithmetic.LITERT
                ? xnnpack(sa, za, sb, zb, so, zo)
                : reference(sa, za, sb, zb, so, zo);
        return new BinaryKernel(a, b, out, index, min, max, rule);
    }

    /**
     * XNNPACK's qs8 add: both ratios to the output scale become integer multipliers of about 21 bits
     * sharing one shift, and the sum is shifted back with a rounding bias (ties toward +infinity).
     */
    private static BinaryKernel.Rule xnnpack(float sa, int za, float sb, int zb, float so, int zo) {
        float ra = sa / so;
        float rb = sb / so;
        float maxRatio = Math.max(Math.abs(ra), Math.abs(rb));
        if (!(maxRatio >= 0x1.0p-10f && maxRatio < 0x1.0p+8f)) {
            throw new IllegalArgumentException("the ratio of input to output scale, " + maxRatio
                    + ", is outside the range [2^-10, 2^8) that int8 ADD supports");
        }
        int shift = 20 - Math.getExponent(maxRatio);
        int ma = (int) Math.rint(Math.scalb(ra, shift));
        int mb = (int) Math.rint(Math.scalb(rb, shift));
        int bias = (1 << (shift - 1)) - ma * za - mb * zb;
        return (x, y) -> ((bias + x * ma + y * mb) >> shift) + zo;
    }

    /** TFLite Micro's reference add: operands shifted left by 20 and scaled to twice the larger scale. */
    private static BinaryKernel.Rule reference(float sa, int za, float sb, int zb, float so, int zo) {
        final int leftShift = 20;
        double twiceMax = 2 * (double) Math.max(sa, sb);
        FixedPoint.Multiplier ma = FixedPoint.quantizeMultiplier((double) sa / twiceMax);
        FixedPoint.Multiplier mb = FixedPoint.quantizeMultiplier((double) sb / twiceMax);
        FixedPoint.Multiplier mo = FixedPoint.quantizeMultiplier(twiceMax / ((1 << leftShift) * (double) so));
        return (x, y) -> {
            int scaledA = smallerThanOne((x - za) * (1 << leftShift), ma);
            int scaledB = smallerThanOne((y - zb) * (1 << leftShift), mb);
            return smallerThanOne(scaledA + scaledB, mo) + zo;
        };
    }

    private static int smallerThanOne(int x, FixedPoint.Multiplier m) {
        return FixedPoint.roundingDivideByPot(
                FixedPoint.saturatingRoundingDoublingHighMul(x, m.multiplier()), -m.shift());
    }
}

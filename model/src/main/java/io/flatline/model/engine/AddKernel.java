package io.flatline.model.engine;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.arith.FixedPoint;
import io.flatline.model.tflite.OperatorDef;
import io.flatline.model.tflite.Options;

/**
 * ADD of two int8 tensors with broadcasting. Both arithmetics rescale the operands to a common
 * fixed-point scale and back, but with different multipliers and roundings.
 */
final class AddKernel {
    /**
     * The input-to-output scale ratios XNNPACK takes for int8 ADD, each input's on its own; with either
     * outside, LiteRT's delegate leaves the node to TFLite's own kernel, which computes what TFLite
     * Micro's reference does.
     */
    private static final float XNNPACK_MIN_RATIO = 0x1.0p-10f;
    private static final float XNNPACK_MAX_RATIO = 0x1.0p+8f;

    private AddKernel() {}

    static Kernel prepare(OperatorDef op, Checks c) {
        Options.Activation activation = ((Options.Add) op.options()).activation();
        BinaryKernel.Operands o = BinaryKernel.operands(op, activation, c);
        if (o == null) {
            return null;
        }
        float ra = o.sa() / o.so();
        float rb = o.sb() / o.so();
        boolean xnnpack = c.arithmetic() == Arithmetic.LITERT && xnnpackTakes(ra) && xnnpackTakes(rb);
        Arithmetic bounds = xnnpack ? Arithmetic.LITERT : Arithmetic.TFLM;
        int[] r = bounds.activationRange(activation, o.so(), o.zo(), Byte.MIN_VALUE, Byte.MAX_VALUE);
        BinaryKernel.Rule rule = xnnpack
                ? xnnpack(ra, o.za(), rb, o.zb(), o.zo())
                : reference(o.sa(), o.za(), o.sb(), o.zb(), o.so(), o.zo());
        return new BinaryKernel(op.input(0), op.input(1), op.output(0), o.index(), r[0], r[1], rule);
    }

    private static boolean xnnpackTakes(float ratio) {
        return ratio >= XNNPACK_MIN_RATIO && ratio < XNNPACK_MAX_RATIO;
    }

    /**
     * XNNPACK's qs8 add: both ratios to the output scale become integer multipliers of about 21 bits
     * sharing one shift, and the sum is shifted back with a rounding bias (ties toward +infinity).
     */
    private static BinaryKernel.Rule xnnpack(float ra, int za, float rb, int zb, int zo) {
        float maxRatio = Math.max(ra, rb);
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

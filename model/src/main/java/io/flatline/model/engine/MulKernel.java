package io.flatline.model.engine;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.arith.FixedPoint;
import io.flatline.model.tflite.OperatorDef;
import io.flatline.model.tflite.Options;

/**
 * MUL of two int8 tensors with NumPy broadcasting. The product of the two zero-point-corrected levels
 * is an exact int32 (|a·b| ≤ 255²); the arithmetics differ only in how they scale it by
 * s_a·s_b/s_out and round.
 */
final class MulKernel {
    /**
     * The product-to-output scale range that LiteRT's XNNPACK delegate takes for int8 MUL; outside it the
     * delegate leaves the node to TFLite's own kernel, which computes what TFLite Micro's reference does.
     */
    private static final float XNNPACK_MIN_SCALE = 0x1.0p-16f;
    private static final float XNNPACK_MAX_SCALE = 0x1.0p+8f;

    private MulKernel() {}

    static Kernel prepare(OperatorDef op, Checks c) {
        Options.Activation activation = ((Options.Mul) op.options()).activation();
        BinaryKernel.Operands o = BinaryKernel.operands(op, activation, c);
        if (o == null) {
            return null;
        }
        // XNNPACK's own float32 arithmetic: (s_a·s_b)/s_out, each step rounded to float.
        float productScale = o.sa() * o.sb() / o.so();
        boolean xnnpack = c.arithmetic() == Arithmetic.LITERT
                && productScale >= XNNPACK_MIN_SCALE && productScale < XNNPACK_MAX_SCALE;
        Arithmetic bounds = xnnpack ? Arithmetic.LITERT : Arithmetic.TFLM;
        int[] r = bounds.activationRange(activation, o.so(), o.zo(), Byte.MIN_VALUE, Byte.MAX_VALUE);
        BinaryKernel.Rule rule = xnnpack
                ? xnnpack(o.za(), o.zb(), o.zo(), productScale)
                : reference(o.sa(), o.za(), o.sb(), o.zb(), o.so(), o.zo());
        return new BinaryKernel(op.input(0), op.input(1), op.output(0), o.index(), r[0], r[1], rule);
    }

    /**
     * XNNPACK's qs8 vmul (fp32 requantization): float(product)·scale, rounded to nearest even. Its kernels
     * clamp in float before rounding; with integer bounds that is the same as clamping after.
     */
    private static BinaryKernel.Rule xnnpack(int za, int zb, int zo, float scale) {
        return (x, y) -> (int) Math.rint((float) ((x - za) * (y - zb)) * scale) + zo;
    }

    /**
     * TFLite Micro's reference (and TFLite's int8 kernel): the double s_a·s_b/s_out as a Q31 multiplier
     * and shift, applied to the int32 product by MultiplyByQuantizedMultiplier, which rounds twice (the
     * doubling high multiply, then the right shift), so its ties differ from XNNPACK's single rounding.
     */
    private static BinaryKernel.Rule reference(float sa, int za, float sb, int zb, float so, int zo) {
        FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier((double) sa * (double) sb / (double) so);
        return (x, y) -> FixedPoint.multiplyByQuantizedMultiplier((x - za) * (y - zb), m.multiplier(), m.shift())
                + zo;
    }
}

package io.flatline.model.engine;

import io.flatline.model.tflite.OperatorDef;
import io.flatline.model.tflite.Options;
import io.flatline.model.tflite.TensorDef;

/**
 * An elementwise operator of two int8 tensors with NumPy broadcasting (ADD, MUL): per output element,
 * the operator's rule maps the two raw levels to an output level, which is then clamped to the fused
 * activation's range and to int8.
 */
final class BinaryKernel implements Kernel {
    /** One element: the two raw levels to the output level before the activation clamp. */
    interface Rule {
        int apply(int a, int b);
    }

    private final int a;
    private final int b;
    private final int out;
    private final int[] indexA;
    private final int[] indexB;
    private final int min;
    private final int max;
    private final Rule rule;

    /** {@code index} holds, per output element, the flat index into a and into b ({@link Broadcast}). */
    BinaryKernel(int a, int b, int out, int[][] index, int min, int max, Rule rule) {
        this.a = a;
        this.b = b;
        this.out = out;
        this.indexA = index[0];
        this.indexB = index[1];
        this.min = Math.max(min, Byte.MIN_VALUE);
        this.max = Math.min(max, Byte.MAX_VALUE);
        this.rule = rule;
    }

    /** What ADD's and MUL's rules are made from: each side's scale and zero point, and the index maps. */
    record Operands(float sa, int za, float sb, int zb, float so, int zo, int[][] index) {}

    /**
     * The checks ADD and MUL share: two int8 per-tensor operands (either may be a constant), an int8
     * output, a fused activation this engine clamps, and shapes that broadcast; null after noting what
     * is wrong.
     */
    static Operands operands(OperatorDef op, Options.Activation activation, Checks c) {
        if (!c.arity(op, 2, 2, 1)) {
            return null;
        }
        TensorDef a = c.input(op, 0);
        TensorDef b = c.input(op, 1);
        TensorDef out = c.output(op);
        if (!c.int8Operand(op, a) || !c.int8Operand(op, b) || !c.int8Activation(op, out)
                || !c.activationSupported(op, activation)) {
            return null;
        }
        int[][] index = Broadcast.indices(a.shape(), b.shape(), out.shape());
        if (index == null) {
            return c.fail(op, "shapes " + a.describe() + " and " + b.describe() + " do not broadcast to "
                    + out.describe());
        }
        return new Operands(Checks.scale(a), Checks.zeroPoint(a), Checks.scale(b), Checks.zeroPoint(b),
                Checks.scale(out), Checks.zeroPoint(out), index);
    }

    @Override
    public void run(Object[] slots) {
        byte[] x = (byte[]) slots[a];
        byte[] y = (byte[]) slots[b];
        byte[] z = (byte[]) slots[out];
        for (int i = 0; i < z.length; i++) {
            z[i] = (byte) Math.max(min, Math.min(max, rule.apply(x[indexA[i]], y[indexB[i]])));
        }
    }
}

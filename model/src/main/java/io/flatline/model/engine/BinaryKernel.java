package io.flatline.model.engine;

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

package io.flatline.model.engine;

import io.flatline.model.tflite.OperatorDef;
import io.flatline.model.tflite.TensorDef;
import java.util.Arrays;

/** TRANSPOSE: output dimension i is input dimension perm[i]; levels are moved, never changed. */
final class TransposeKernel implements Kernel {
    private final int in;
    private final int out;
    private final StridedCopy copy;

    private TransposeKernel(int in, int out, StridedCopy copy) {
        this.in = in;
        this.out = out;
        this.copy = copy;
    }

    static Kernel prepare(OperatorDef op, Checks c) {
        if (!c.arity(op, 2, 2, 1)) {
            return null;
        }
        TensorDef x = c.input(op, 0);
        TensorDef y = c.output(op);
        if (!c.int8Activation(op, x) || !c.int8Activation(op, y) || !c.sameQuantization(op, x, y)) {
            return null;
        }
        int[] perm = c.constantInts(op, c.input(op, 1), "perm");
        if (perm == null) {
            return null;
        }
        int rank = x.rank();
        boolean[] seen = new boolean[rank];
        int[] inStrides = StridedCopy.strides(x.shape());
        int[] srcStrides = new int[rank];
        int[] outShape = new int[rank];
        for (int i = 0; i < perm.length && perm.length == rank; i++) {
            int p = perm[i] < 0 ? perm[i] + rank : perm[i];
            if (p < 0 || p >= rank || seen[p]) {
                break;
            }
            seen[p] = true;
            srcStrides[i] = inStrides[p];
            outShape[i] = x.dim(p);
        }
        for (boolean s : seen) {
            if (!s) {
                return c.fail(op, "perm " + Arrays.toString(perm) + " is not a permutation of " + x.describe()
                        + "'s " + rank + " dimensions");
            }
        }
        if (!Arrays.equals(outShape, y.shape())) {
            return c.fail(op, "output " + y.describe() + " is not " + x.describe() + " transposed by "
                    + Arrays.toString(perm) + ", which is " + Arrays.toString(outShape));
        }
        return new TransposeKernel(op.input(0), op.output(0),
                new StridedCopy(outShape, 0, srcStrides, 0, StridedCopy.strides(outShape)));
    }

    @Override
    public void run(Object[] slots) {
        copy.run((byte[]) slots[in], (byte[]) slots[out]);
    }
}

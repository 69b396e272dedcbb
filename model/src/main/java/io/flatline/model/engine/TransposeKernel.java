package io.flatline.model.engine;

import io.flatline.model.tflite.OperatorDef;
import io.flatline.model.tflite.TensorDef;
import java.util.Arrays;

/** TRANSPOSE: output dimension i is input dimension perm[i]; levels are moved, never changed. */
final class TransposeKernel {
    private TransposeKernel() {}

    static Kernel prepare(OperatorDef op, Checks c) {
        if (!c.movesLevels(op, 2)) {
            return null;
        }
        TensorDef x = c.input(op, 0);
        TensorDef y = c.output(op);
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
        return StridedCopy.between(op.input(0), op.output(0),
                new StridedCopy(outShape, 0, srcStrides, 0, StridedCopy.strides(outShape)));
    }
}

package io.flatline.model.engine;

/**
 * Copies an n-dimensional block of int8 levels from one flat array to another, each side addressed by
 * a base offset and its own stride per dimension. PAD (the input into the middle of the output),
 * TRANSPOSE (permuted source strides), STRIDED_SLICE (stepped source strides) and CONCATENATION (each
 * input into its slab of the output) are all this one loop with different numbers.
 */
final class StridedCopy {
    private final int[] shape;
    private final int srcBase;
    private final int[] srcStrides;
    private final int dstBase;
    private final int[] dstStrides;

    StridedCopy(int[] shape, int srcBase, int[] srcStrides, int dstBase, int[] dstStrides) {
        this.shape = shape.clone();
        this.srcBase = srcBase;
        this.srcStrides = srcStrides.clone();
        this.dstBase = dstBase;
        this.dstStrides = dstStrides.clone();
    }

    /** The kernel of an operator that is this one copy from its input to its output. */
    static Kernel between(int in, int out, StridedCopy copy) {
        return slots -> copy.run((byte[]) slots[in], (byte[]) slots[out]);
    }

    /** Row-major strides of a dense tensor of this shape. */
    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = stride;
            stride *= shape[d];
        }
        return s;
    }

    void run(byte[] src, byte[] dst) {
        if (shape.length == 0) {
            dst[dstBase] = src[srcBase];
        } else {
            copy(src, dst, 0, srcBase, dstBase);
        }
    }

    /** Recursion over the dimensions (rank ≤ 6) rather than an index array: a run allocates nothing. */
    private void copy(byte[] src, byte[] dst, int d, int s, int t) {
        int n = shape[d];
        int ss = srcStrides[d];
        int ts = dstStrides[d];
        if (d < shape.length - 1) {
            for (int i = 0; i < n; i++) {
                copy(src, dst, d + 1, s + i * ss, t + i * ts);
            }
        } else if (ss == 1 && ts == 1) {
            System.arraycopy(src, s, dst, t, n);
        } else {
            for (int i = 0; i < n; i++) {
                dst[t + i * ts] = src[s + i * ss];
            }
        }
    }
}

package io.flatline.model.engine;

/** NumPy-style broadcasting of two operands to an output shape, as flat index maps. */
final class Broadcast {
    private Broadcast() {}

    /** For each output element, the flat index into a and into b; null when the shapes do not broadcast. */
    static int[][] indices(int[] a, int[] b, int[] out) {
        int rank = out.length;
        if (a.length > rank || b.length > rank) {
            return null;
        }
        int n = 1;
        for (int d : out) {
            n *= d;
        }
        long[] strideA = strides(a, out);
        long[] strideB = strides(b, out);
        if (strideA == null || strideB == null) {
            return null;
        }
        int[] ia = new int[n];
        int[] ib = new int[n];
        int[] pos = new int[rank];
        for (int i = 0; i < n; i++) {
            long oa = 0;
            long ob = 0;
            for (int d = 0; d < rank; d++) {
                oa += pos[d] * strideA[d];
                ob += pos[d] * strideB[d];
            }
            ia[i] = (int) oa;
            ib[i] = (int) ob;
            for (int d = rank - 1; d >= 0; d--) {
                if (++pos[d] < out[d]) {
                    break;
                }
                pos[d] = 0;
            }
        }
        return new int[][] {ia, ib};
    }

    /** Strides of {@code shape} aligned right against {@code out}, 0 along broadcast dimensions. */
    private static long[] strides(int[] shape, int[] out) {
        int rank = out.length;
        long[] s = new long[rank];
        long stride = 1;
        for (int d = rank - 1; d >= 0; d--) {
            int k = d - (rank - shape.length);
            int dim = k >= 0 ? shape[k] : 1;
            if (dim != out[d] && dim != 1) {
                return null;
            }
            s[d] = dim == 1 ? 0 : stride;
            stride *= dim;
        }
        return s;
    }
}

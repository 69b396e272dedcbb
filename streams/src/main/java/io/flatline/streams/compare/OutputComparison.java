package io.flatline.streams.compare;

/** What a board's raw output and the reference's, for the same window, have in common. */
public final class OutputComparison {

    private OutputComparison() {
    }

    /** The largest absolute difference between two int8 outputs, in int8 steps. */
    public static int maxAbsDiffLsb(byte[] a, byte[] b) {
        return a.length != b.length ? 255 : maxAbsDiffLsb(a, 0, b, 0, a.length);
    }

    /** {@link #maxAbsDiffLsb(byte[], byte[])} of two outputs of {@code n} values held inside larger arrays. */
    static int maxAbsDiffLsb(byte[] a, int aFrom, byte[] b, int bFrom, int n) {
        int max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Math.abs(a[aFrom + i] - b[bFrom + i]));
        }
        return max;
    }

    /** The index of the largest output, the first on ties, as the boards' post-processing picks a class. */
    public static int top1(byte[] out) {
        return top1(out, 0, out.length);
    }

    /** {@link #top1(byte[])} of an output of {@code n} values held inside a larger array. */
    static int top1(byte[] out, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (out[from + i] > out[from + best]) {
                best = i;
            }
        }
        return best;
    }

    public static boolean top1Agree(byte[] a, byte[] b) {
        return a.length == b.length && a.length > 0 && top1(a) == top1(b);
    }
}

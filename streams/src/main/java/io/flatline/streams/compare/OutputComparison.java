package io.flatline.streams.compare;

/** What a board's raw output and the reference's, for the same window, have in common. */
public final class OutputComparison {

    private OutputComparison() {
    }

    /** The largest absolute difference between two int8 outputs, in int8 steps. */
    public static int maxAbsDiffLsb(byte[] a, byte[] b) {
        if (a.length != b.length) {
            return 255;
        }
        int max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** The index of the largest output, the first on ties, as the boards' post-processing picks a class. */
    public static int top1(byte[] out) {
        int best = 0;
        for (int i = 1; i < out.length; i++) {
            if (out[i] > out[best]) {
                best = i;
            }
        }
        return best;
    }

    public static boolean top1Agree(byte[] a, byte[] b) {
        return a.length == b.length && a.length > 0 && top1(a) == top1(b);
    }
}

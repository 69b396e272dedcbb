package io.flatline.model.engine;

import io.flatline.model.arith.Mean;
import java.util.Arrays;

/**
 * MEAN over any set of axes: integer sums of raw levels, then the arithmetic's division. Holds scratch
 * space, so, like every kernel, it belongs to one interpreter.
 */
final class MeanKernel implements Kernel {
    private final int in;
    private final int out;
    private final int[] target;
    private final int outputs;
    private final Mean mean;
    private final int[] sums;

    MeanKernel(int in, int out, int[] dims, boolean[] reduced, Mean mean) {
        this.in = in;
        this.out = out;
        this.mean = mean;
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        // Precompute, for each input element, the output element it sums into.
        target = new int[n];
        int[] pos = new int[dims.length];
        int kept = 1;
        for (int d = 0; d < dims.length; d++) {
            kept *= reduced[d] ? 1 : dims[d];
        }
        outputs = kept;
        sums = new int[kept];
        for (int i = 0; i < n; i++) {
            int t = 0;
            for (int d = 0; d < dims.length; d++) {
                if (!reduced[d]) {
                    t = t * dims[d] + pos[d];
                }
            }
            target[i] = t;
            for (int d = dims.length - 1; d >= 0; d--) {
                if (++pos[d] < dims[d]) {
                    break;
                }
                pos[d] = 0;
            }
        }
    }

    /** Whether this reduces a (1, T, F) tensor over T alone: the pooling a sliding window can update. */
    boolean reducesTimeOf(int steps, int filters) {
        return outputs == filters && target.length == steps * filters && target[filters] == 0 && target[1] == 1;
    }

    Mean mean() {
        return mean;
    }

    int output() {
        return out;
    }

    @Override
    public void run(Object[] slots) {
        byte[] x = (byte[]) slots[in];
        byte[] y = (byte[]) slots[out];
        Arrays.fill(sums, 0);
        for (int i = 0; i < x.length; i++) {
            sums[target[i]] += x[i];
        }
        for (int o = 0; o < outputs; o++) {
            y[o] = (byte) mean.apply(sums[o]);
        }
    }
}

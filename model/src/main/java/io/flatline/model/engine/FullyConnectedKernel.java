package io.flatline.model.engine;

import io.flatline.model.arith.Requantizer;

/**
 * FULLY_CONNECTED, int8: each of {@code rows} input vectors of {@code depth} times weights [units,
 * depth]. The input zero point is folded into the bias (bias − zp·Σ weights: the same int32, integer
 * sums in any order), the weights are widened to int once, and each row's units are requantized in one
 * batched call ({@link Requantizer#applyRows}).
 */
final class FullyConnectedKernel extends QuantizedKernel {
    private final int rows;
    private final int depth;
    private final int units;
    private final int[] wideWeights;
    private final int[] foldedBias;
    private final int[] acc;

    FullyConnectedKernel(int in, int out, int rows, int depth, int units, byte[] weights, int[] bias,
            int inputZeroPoint, Requantizer requantizer) {
        super(in, out, weights, bias, inputZeroPoint, requantizer);
        this.rows = rows;
        this.depth = depth;
        this.units = units;
        this.wideWeights = new int[units * depth];
        this.foldedBias = new int[units];
        for (int u = 0; u < units; u++) {
            int b = bias[u];
            for (int k = 0; k < depth; k++) {
                wideWeights[u * depth + k] = weights[u * depth + k];
                b -= weights[u * depth + k] * inputZeroPoint;
            }
            foldedBias[u] = b;
        }
        this.acc = new int[units];
    }

    /**
     * For {@link SlidingVector#dense}: when this is one row of at most {@code lanes} units, the weights
     * transposed with the units padded to {@code lanes} ([depth][lanes]); else null.
     */
    int[] transposedWeights(int lanes) {
        if (rows != 1 || units > lanes) {
            return null;
        }
        int[] t = new int[depth * lanes];
        for (int u = 0; u < units; u++) {
            for (int k = 0; k < depth; k++) {
                t[k * lanes + u] = weights[u * depth + k];
            }
        }
        return t;
    }

    /** The bias with the input zero point folded in, padded with zeros to {@code lanes}. */
    int[] foldedBias(int lanes) {
        return java.util.Arrays.copyOf(foldedBias, Math.max(lanes, units));
    }

    int depth() {
        return depth;
    }

    int units() {
        return units;
    }

    int input() {
        return in;
    }

    int output() {
        return out;
    }

    Requantizer requantizer() {
        return requantizer;
    }

    @Override
    public void run(Object[] slots) {
        byte[] x = (byte[]) slots[in];
        byte[] y = (byte[]) slots[out];
        int[] w = wideWeights;
        int[] acc = this.acc;
        for (int r = 0; r < rows; r++) {
            int xo = r * depth;
            for (int u = 0; u < units; u++) {
                int a = foldedBias[u];
                int wo = u * depth;
                for (int k = 0; k < depth; k++) {
                    a += w[wo + k] * x[xo + k];
                }
                acc[u] = a;
            }
            requantizer.applyRows(acc, 1, units, y, r * units);
        }
    }
}

package io.flatline.model.engine;

import io.flatline.model.arith.Requantizer;

/** FULLY_CONNECTED, int8: each of {@code rows} input vectors of {@code depth} times weights [units, depth]. */
final class FullyConnectedKernel extends QuantizedKernel {
    private final int rows;
    private final int depth;
    private final int units;

    FullyConnectedKernel(int in, int out, int rows, int depth, int units, byte[] weights, int[] bias,
            int inputZeroPoint, Requantizer requantizer) {
        super(in, out, weights, bias, inputZeroPoint, requantizer);
        this.rows = rows;
        this.depth = depth;
        this.units = units;
    }

    @Override
    public void run(Object[] slots) {
        byte[] x = (byte[]) slots[in];
        byte[] y = (byte[]) slots[out];
        for (int r = 0; r < rows; r++) {
            for (int u = 0; u < units; u++) {
                int acc = bias[u];
                int wo = u * depth;
                int xo = r * depth;
                for (int k = 0; k < depth; k++) {
                    acc += weights[wo + k] * (x[xo + k] - inputZeroPoint);
                }
                y[r * units + u] = (byte) requantizer.apply(acc, u);
            }
        }
    }
}

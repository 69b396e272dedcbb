package io.flatline.model.engine;

import io.flatline.model.arith.Requantizer;

/**
 * What the int8 kernels with weights share: int32 accumulation of w * (x - inputZeroPoint) plus
 * bias, then the arithmetic's requantization per output channel.
 */
abstract class QuantizedKernel implements Kernel {
    protected final int in;
    protected final int out;
    protected final byte[] weights;
    protected final int[] bias;
    protected final int inputZeroPoint;
    protected final Requantizer requantizer;

    QuantizedKernel(int in, int out, byte[] weights, int[] bias, int inputZeroPoint, Requantizer requantizer) {
        this.in = in;
        this.out = out;
        this.weights = weights;
        this.bias = bias;
        this.inputZeroPoint = inputZeroPoint;
        this.requantizer = requantizer;
    }
}

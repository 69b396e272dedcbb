package io.flatline.model.engine;

import io.flatline.model.arith.Softmax;

/** SOFTMAX over the last axis, row by row. */
final class SoftmaxKernel implements Kernel {
    private final int in;
    private final int out;
    private final int depth;
    private final Softmax softmax;

    SoftmaxKernel(int in, int out, int depth, Softmax softmax) {
        this.in = in;
        this.out = out;
        this.depth = depth;
        this.softmax = softmax;
    }

    @Override
    public void run(Object[] slots) {
        byte[] x = (byte[]) slots[in];
        byte[] y = (byte[]) slots[out];
        for (int off = 0; off + depth <= x.length; off += depth) {
            softmax.apply(x, off, y, off, depth);
        }
    }
}

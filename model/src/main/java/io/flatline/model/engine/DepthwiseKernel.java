package io.flatline.model.engine;

import io.flatline.model.arith.Requantizer;

/** DEPTHWISE_CONV_2D, int8: output channel c reads input channel c / multiplier. */
final class DepthwiseKernel implements Kernel {
    private final int in;
    private final int out;
    private final Geometry g;
    private final byte[] weights;
    private final int[] bias;
    private final int inputZeroPoint;
    private final Requantizer requantizer;

    DepthwiseKernel(int in, int out, Geometry g, byte[] weights, int[] bias, int inputZeroPoint,
            Requantizer requantizer) {
        this.in = in;
        this.out = out;
        this.g = g;
        this.weights = weights;
        this.bias = bias;
        this.inputZeroPoint = inputZeroPoint;
        this.requantizer = requantizer;
    }

    @Override
    public void run(Object[] slots) {
        byte[] x = (byte[]) slots[in];
        byte[] y = (byte[]) slots[out];
        int multiplier = g.outC() / g.inC();
        int o = 0;
        for (int b = 0; b < g.batch(); b++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    for (int oc = 0; oc < g.outC(); oc++) {
                        int ic = oc / multiplier;
                        int acc = bias[oc];
                        for (int ky = 0; ky < g.kH(); ky++) {
                            int iy = oy * g.strideH() - g.padTop() + ky * g.dilationH();
                            if (iy < 0 || iy >= g.inH()) {
                                continue;
                            }
                            for (int kx = 0; kx < g.kW(); kx++) {
                                int ix = ox * g.strideW() - g.padLeft() + kx * g.dilationW();
                                if (ix < 0 || ix >= g.inW()) {
                                    continue;
                                }
                                int xv = x[((b * g.inH() + iy) * g.inW() + ix) * g.inC() + ic] - inputZeroPoint;
                                acc += weights[(ky * g.kW() + kx) * g.outC() + oc] * xv;
                            }
                        }
                        y[o++] = (byte) requantizer.apply(acc, oc);
                    }
                }
            }
        }
    }
}

package io.flatline.model.engine;

import io.flatline.model.arith.Requantizer;

/**
 * CONV_2D and DEPTHWISE_CONV_2D, int8. Both sum, over the window's taps that fall inside the input,
 * w * (x - inputZeroPoint) over a run of input channels; they differ only in which channels and
 * where the weights lie. CONV_2D: every input channel, weights [outC, kH, kW, inC]. DEPTHWISE_CONV_2D:
 * output channel c reads input channel c / multiplier alone, weights [1, kH, kW, outC].
 */
final class ConvKernel extends QuantizedKernel {
    private final Geometry g;
    /** Input channels each output channel reads: inC for CONV_2D, 1 for depthwise. */
    private final int channelsRead;
    /** For depthwise, output channels per input channel; 0 for CONV_2D, which reads from channel 0. */
    private final int depthMultiplier;
    /** Weight index steps: per output channel and per tap (ky * kW + kx). */
    private final int filterStride;
    private final int tapStride;

    private ConvKernel(int in, int out, Geometry g, byte[] weights, int[] bias, int inputZeroPoint,
            Requantizer requantizer, int channelsRead, int depthMultiplier, int filterStride, int tapStride) {
        super(in, out, weights, bias, inputZeroPoint, requantizer);
        this.g = g;
        this.channelsRead = channelsRead;
        this.depthMultiplier = depthMultiplier;
        this.filterStride = filterStride;
        this.tapStride = tapStride;
    }

    static ConvKernel conv(int in, int out, Geometry g, byte[] weights, int[] bias, int inputZeroPoint,
            Requantizer requantizer) {
        return new ConvKernel(in, out, g, weights, bias, inputZeroPoint, requantizer, g.inC(), 0,
                g.kH() * g.kW() * g.inC(), g.inC());
    }

    static ConvKernel depthwise(int in, int out, Geometry g, byte[] weights, int[] bias, int inputZeroPoint,
            Requantizer requantizer) {
        return new ConvKernel(in, out, g, weights, bias, inputZeroPoint, requantizer, 1, g.outC() / g.inC(), 1,
                g.outC());
    }

    @Override
    public void run(Object[] slots) {
        byte[] x = (byte[]) slots[in];
        byte[] y = (byte[]) slots[out];
        int o = 0;
        for (int b = 0; b < g.batch(); b++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    for (int oc = 0; oc < g.outC(); oc++) {
                        int ic0 = depthMultiplier == 0 ? 0 : oc / depthMultiplier;
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
                                int xo = ((b * g.inH() + iy) * g.inW() + ix) * g.inC() + ic0;
                                int wo = oc * filterStride + (ky * g.kW() + kx) * tapStride;
                                for (int i = 0; i < channelsRead; i++) {
                                    acc += weights[wo + i] * (x[xo + i] - inputZeroPoint);
                                }
                            }
                        }
                        y[o++] = (byte) requantizer.apply(acc, oc);
                    }
                }
            }
        }
    }
}

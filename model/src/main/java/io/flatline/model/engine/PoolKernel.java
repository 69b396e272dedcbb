package io.flatline.model.engine;

/**
 * MAX_POOL_2D and AVERAGE_POOL_2D on int8 with equal input and output quantization. Padding cells
 * take no part: the average divides by the number of cells inside the input, rounding halves away
 * from zero, as TFLite's kernels do (LiteRT's XNNPACK delegate leaves int8 average pooling to them).
 */
final class PoolKernel implements Kernel {
    private final int in;
    private final int out;
    private final Geometry g;
    private final boolean max;
    private final int min;
    private final int maxLevel;

    PoolKernel(int in, int out, Geometry g, boolean max, int min, int maxLevel) {
        this.in = in;
        this.out = out;
        this.g = g;
        this.max = max;
        this.min = min;
        this.maxLevel = maxLevel;
    }

    @Override
    public void run(Object[] slots) {
        byte[] x = (byte[]) slots[in];
        byte[] y = (byte[]) slots[out];
        int o = 0;
        for (int b = 0; b < g.batch(); b++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    int y0 = Math.max(0, oy * g.strideH() - g.padTop());
                    int y1 = Math.min(g.inH(), oy * g.strideH() - g.padTop() + g.kH());
                    int x0 = Math.max(0, ox * g.strideW() - g.padLeft());
                    int x1 = Math.min(g.inW(), ox * g.strideW() - g.padLeft() + g.kW());
                    for (int c = 0; c < g.outC(); c++) {
                        int acc = max ? Integer.MIN_VALUE : 0;
                        int count = 0;
                        for (int iy = y0; iy < y1; iy++) {
                            for (int ix = x0; ix < x1; ix++) {
                                int v = x[((b * g.inH() + iy) * g.inW() + ix) * g.inC() + c];
                                acc = max ? Math.max(acc, v) : acc + v;
                                count++;
                            }
                        }
                        int q;
                        if (count == 0) {
                            q = 0;
                        } else if (max) {
                            q = acc;
                        } else {
                            q = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                        }
                        y[o++] = (byte) Math.max(min, Math.min(maxLevel, q));
                    }
                }
            }
        }
    }
}

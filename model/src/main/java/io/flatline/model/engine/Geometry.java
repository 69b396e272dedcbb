package io.flatline.model.engine;

import io.flatline.model.tflite.Options.Padding;
import io.flatline.model.tflite.TensorDef;

/**
 * The NHWC window geometry shared by convolutions and pooling, with TFLite's SAME/VALID rule: SAME
 * pads so that out = ceil(in/stride), splitting the padding with the odd pixel at the bottom/right.
 */
record Geometry(int batch, int inH, int inW, int inC, int outH, int outW, int outC, int kH, int kW, int strideH,
        int strideW, int dilationH, int dilationW, int padTop, int padLeft) {

    /** The geometry, or null when the declared output shape is not what the window produces. */
    static Geometry of(TensorDef in, TensorDef out, int kH, int kW, int strideH, int strideW, int dilationH,
            int dilationW, Padding padding) {
        if (kH < 1 || kW < 1 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1) {
            return null;
        }
        int effH = (kH - 1) * dilationH + 1;
        int effW = (kW - 1) * dilationW + 1;
        int outH = outSize(in.dim(1), effH, strideH, padding);
        int outW = outSize(in.dim(2), effW, strideW, padding);
        if (outH != out.dim(1) || outW != out.dim(2) || in.dim(0) != out.dim(0)) {
            return null;
        }
        int padTop = Math.max(0, ((outH - 1) * strideH + effH - in.dim(1)) / 2);
        int padLeft = Math.max(0, ((outW - 1) * strideW + effW - in.dim(2)) / 2);
        return new Geometry(in.dim(0), in.dim(1), in.dim(2), in.dim(3), outH, outW, out.dim(3), kH, kW, strideH,
                strideW, dilationH, dilationW, padTop, padLeft);
    }

    private static int outSize(int in, int eff, int stride, Padding padding) {
        return padding == Padding.SAME ? (in + stride - 1) / stride : (in + stride - eff) / stride;
    }

    long windowWork() {
        return (long) batch * outH * outW * outC * kH * kW;
    }
}

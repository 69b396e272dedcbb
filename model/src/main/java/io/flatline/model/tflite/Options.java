package io.flatline.model.tflite;

import java.util.Arrays;

/** The builtin options of an operator, one record per options table the engine reads. */
public sealed interface Options {

    /** Schema union tags of the options tables, for reading and writing. */
    int CONV_2D = 1;
    int DEPTHWISE_CONV_2D = 2;
    int POOL_2D = 5;
    int FULLY_CONNECTED = 8;
    int SOFTMAX = 9;
    int CONCATENATION = 10;
    int ADD = 11;
    int RESHAPE = 17;
    int MUL = 21;
    int PAD = 22;
    int TRANSPOSE = 26;
    int REDUCER = 27;
    int SQUEEZE = 30;
    int STRIDED_SLICE = 32;
    int DEQUANTIZE = 38;
    int PADV2 = 43;
    int EXPAND_DIMS = 52;
    int QUANTIZE = 89;

    enum Padding {
        SAME,
        VALID
    }

    /** Fused activation: the clamp an operator applies to its own output. */
    enum Activation {
        NONE,
        RELU,
        RELU_N1_TO_1,
        RELU6,
        TANH,
        SIGN_BIT;

        static Activation of(int code) throws ModelFormatException {
            if (code < 0 || code >= values().length) {
                throw new ModelFormatException("unknown fused activation code " + code);
            }
            return values()[code];
        }
    }

    record None() implements Options {}

    /** What CONV_2D and DEPTHWISE_CONV_2D options both describe: the window and the fused activation. */
    sealed interface Convolution extends Options permits Conv, Depthwise {
        Padding padding();

        int strideW();

        int strideH();

        int dilationW();

        int dilationH();

        Activation activation();
    }

    record Conv(Padding padding, int strideW, int strideH, Activation activation, int dilationW, int dilationH)
            implements Convolution {}

    record Depthwise(Padding padding, int strideW, int strideH, int depthMultiplier, Activation activation,
            int dilationW, int dilationH) implements Convolution {}

    record Pool(Padding padding, int strideW, int strideH, int filterW, int filterH, Activation activation)
            implements Options {}

    record FullyConnected(Activation activation, int weightsFormat, boolean keepNumDims) implements Options {}

    record Softmax(float beta) implements Options {}

    record Add(Activation activation) implements Options {}

    record Mul(Activation activation) implements Options {}

    record Concatenation(int axis, Activation activation) implements Options {}

    /** Bit i of a mask applies to dimension i; {@code offset} makes end relative to begin. */
    record StridedSlice(int beginMask, int endMask, int ellipsisMask, int newAxisMask, int shrinkAxisMask,
            boolean offset) implements Options {}

    record Reducer(boolean keepDims) implements Options {}

    /** RESHAPE's optional new_shape; the shape tensor input or the output shape take precedence. */
    record Reshape(int[] newShape) implements Options {
        public Reshape {
            newShape = newShape == null ? null : newShape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reshape r && Arrays.equals(r.newShape, newShape);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(newShape);
        }

        @Override
        public String toString() {
            return "Reshape[newShape=" + Arrays.toString(newShape) + "]";
        }
    }

    record Squeeze(int[] dims) implements Options {
        public Squeeze {
            dims = dims.clone();
        }

        @Override
        public int[] dims() {
            return dims.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Squeeze s && Arrays.equals(s.dims, dims);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(dims);
        }

        @Override
        public String toString() {
            return "Squeeze[dims=" + Arrays.toString(dims) + "]";
        }
    }
}

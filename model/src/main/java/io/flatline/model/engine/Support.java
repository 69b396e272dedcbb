package io.flatline.model.engine;

/** What the engine runs, said once for every error message and for `model inspect`. */
final class Support {
    static final String SUMMARY = "Supported: operators EXPAND_DIMS, RESHAPE, SQUEEZE, CONV_2D, "
            + "DEPTHWISE_CONV_2D, MAX_POOL_2D, AVERAGE_POOL_2D, MEAN, FULLY_CONNECTED, SOFTMAX, ADD, QUANTIZE, "
            + "DEQUANTIZE with fused activation NONE, RELU or RELU6; int8 activations with per-tensor or per-channel "
            + "int8 weights and int32 biases; a single int8 or float32 input and output";

    private Support() {}
}

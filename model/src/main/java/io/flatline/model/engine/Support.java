package io.flatline.model.engine;

import io.flatline.model.tflite.BuiltinOperator;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What the engine runs, said once for every error message and for `model inspect`. */
final class Support {
    /** The operators are {@link BuiltinOperator}'s: the enum lists exactly what the compiler takes. */
    static final String SUMMARY = "Supported: operators "
            + Arrays.stream(BuiltinOperator.values())
                    .filter(o -> o != BuiltinOperator.UNKNOWN)
                    .map(Enum::name)
                    .collect(Collectors.joining(", "))
            + " with fused activation NONE, RELU, RELU_N1_TO_1 or RELU6; int8 activations with per-tensor or "
            + "per-channel int8 weights and int32 biases; a single int8 or float32 input and output; no variable "
            + "(state) tensors";

    private Support() {}
}

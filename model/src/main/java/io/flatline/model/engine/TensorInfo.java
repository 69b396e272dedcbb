package io.flatline.model.engine;

import io.flatline.model.tflite.TensorType;
import java.util.List;

/**
 * A model input or output as a caller needs it: shape, element type and the affine quantization
 * {@code real = scale * (q - zeroPoint)} (scale 0 when the tensor is not quantized).
 */
public record TensorInfo(String name, List<Integer> shape, TensorType type, float scale, int zeroPoint) {
    public TensorInfo {
        shape = List.copyOf(shape);
    }

    public int elementCount() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Bytes of one tensor of this shape and type, as it travels in raw files and records. */
    public int byteSize() {
        return elementCount() * type.bytes();
    }
}

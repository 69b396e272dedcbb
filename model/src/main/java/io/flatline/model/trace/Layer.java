package io.flatline.model.trace;

import io.flatline.model.tflite.TensorType;
import java.util.List;

/**
 * One tensor of a traced run: the graph input ({@code operator} -1) or an operator's output. Holds
 * int8 levels or float values, whichever the tensor's type is.
 */
public record Layer(int operator, String operatorName, int tensor, String tensorName, List<Integer> shape,
        TensorType type, float scale, int zeroPoint, byte[] levels, float[] values, TensorStats stats) {

    public Layer {
        shape = List.copyOf(shape);
        levels = levels == null ? null : levels.clone();
        values = values == null ? null : values.clone();
    }

    @Override
    public byte[] levels() {
        return levels == null ? null : levels.clone();
    }

    @Override
    public float[] values() {
        return values == null ? null : values.clone();
    }

    /** "#1 CONV_2D → conv1d/Relu INT8[1, 1, 50, 8]: 96% zero, ...". */
    public String describe() {
        String op = operator < 0 ? "input" : "#" + operator + " " + operatorName;
        return op + " -> " + tensorName + " " + type + shape + ": " + stats.summary(levels != null);
    }
}

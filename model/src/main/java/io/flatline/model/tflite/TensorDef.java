package io.flatline.model.tflite;

import java.util.Arrays;

/**
 * One tensor of the model's graph as the file declares it. {@code data} holds the constant contents
 * (weights, biases, axes) or is null for activations. {@code variable} marks state an operator keeps
 * from one inference to the next (the schema's {@code is_variable}: LSTM and SVDF state).
 */
public record TensorDef(int index, String name, int[] shape, TensorType type, Quantization quantization,
        byte[] data, boolean variable) {

    public TensorDef {
        shape = shape.clone();
    }

    public TensorDef(int index, String name, int[] shape, TensorType type, Quantization quantization, byte[] data) {
        this(index, name, shape, type, quantization, data, false);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    public long elementCount() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    public boolean isConstant() {
        return data != null;
    }

    public String describe() {
        return "tensor #" + index + " \"" + name + "\" " + type + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorDef t && t.index == index && t.name.equals(name) && Arrays.equals(t.shape, shape)
                && t.type == type && t.quantization.equals(quantization) && Arrays.equals(t.data, data)
                && t.variable == variable;
    }

    @Override
    public int hashCode() {
        return 31 * index + name.hashCode();
    }

    @Override
    public String toString() {
        return describe() + " quantization " + quantization
                + (data == null ? "" : " constant " + data.length + " bytes") + (variable ? " variable" : "");
    }
}

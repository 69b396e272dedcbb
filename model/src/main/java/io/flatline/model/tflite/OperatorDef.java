package io.flatline.model.tflite;

import java.util.Arrays;

/**
 * One operator of the graph: its builtin code (or custom name), the tensor indices it reads and
 * writes (-1 for an omitted optional input) and its options.
 */
public record OperatorDef(int index, BuiltinOperator op, int builtinCode, String customCode, int[] inputs,
        int[] outputs, Options options) {

    public OperatorDef {
        inputs = inputs.clone();
        outputs = outputs.clone();
    }

    @Override
    public int[] inputs() {
        return inputs.clone();
    }

    @Override
    public int[] outputs() {
        return outputs.clone();
    }

    public int input(int i) {
        return inputs[i];
    }

    public int inputCount() {
        return inputs.length;
    }

    public int output(int i) {
        return outputs[i];
    }

    public int outputCount() {
        return outputs.length;
    }

    /**
     * The schema's name ("CONV_2D", "PAD", ...), run by the engine or not, or "CUSTOM(code)", or the raw
     * number of a code newer than the schema the engine knows.
     */
    public String opName() {
        if (op != BuiltinOperator.UNKNOWN) {
            return op.name();
        }
        return customCode != null ? "CUSTOM(" + customCode + ")" : BuiltinOperator.nameOf(builtinCode);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OperatorDef d && d.index == index && d.op == op && d.builtinCode == builtinCode
                && Arrays.equals(d.inputs, inputs) && Arrays.equals(d.outputs, outputs) && d.options.equals(options);
    }

    @Override
    public int hashCode() {
        return 31 * index + builtinCode;
    }

    @Override
    public String toString() {
        return "#" + index + " " + opName() + " in " + Arrays.toString(inputs) + " out " + Arrays.toString(outputs)
                + " " + options;
    }
}

package io.flatline.model.tflite;

import java.util.Arrays;
import java.util.List;

/**
 * The main subgraph of a {@code .tflite} file, as declared: tensors, operators in execution order,
 * and which tensors are the graph's inputs and outputs. Nothing here is checked for runnability;
 * that is the engine's job.
 */
public record TfliteModel(int version, String description, List<TensorDef> tensors, List<OperatorDef> operators,
        int[] inputs, int[] outputs) {

    public TfliteModel {
        tensors = List.copyOf(tensors);
        operators = List.copyOf(operators);
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

    public TensorDef tensor(int index) {
        return tensors.get(index);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TfliteModel m && m.version == version && m.tensors.equals(tensors)
                && m.operators.equals(operators) && Arrays.equals(m.inputs, inputs)
                && Arrays.equals(m.outputs, outputs);
    }

    @Override
    public int hashCode() {
        return 31 * tensors.hashCode() + operators.hashCode();
    }
}

package io.flatline.model.trace;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Interpreter;
import io.flatline.model.engine.Model;
import io.flatline.model.tflite.OperatorDef;
import io.flatline.model.tflite.TensorDef;
import io.flatline.model.tflite.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** Every intermediate tensor of one run, in execution order, starting with the graph input. */
public record Trace(Arithmetic arithmetic, List<Layer> layers) {

    public Trace {
        layers = List.copyOf(layers);
    }

    public static Trace run(Model model, byte[] input, Arithmetic arithmetic) {
        return run(model, model.newInterpreter(arithmetic), input, arithmetic);
    }

    /** Traces through a caller's interpreter (of {@code arithmetic}), to avoid compiling per run. */
    public static Trace run(Model model, Interpreter interpreter, byte[] input, Arithmetic arithmetic) {
        List<Layer> layers = new ArrayList<>();
        interpreter.runObserved(input, (operator, tensor, storage) -> {
            TensorDef t = model.graph().tensor(tensor);
            String name = operator < 0 ? "input" : opName(model.graph().operators().get(operator));
            boolean quantized = t.quantization().isPresent();
            float scale = quantized ? t.quantization().scale(0) : 0f;
            int zp = quantized ? t.quantization().zeroPoint(0) : 0;
            List<Integer> shape = IntStream.of(t.shape()).boxed().toList();
            if (storage instanceof byte[] b) {
                layers.add(new Layer(operator, name, tensor, t.name(), shape, TensorType.INT8, scale, zp, b, null,
                        TensorStats.ofLevels(b, zp)));
            } else {
                float[] f = (float[]) storage;
                layers.add(new Layer(operator, name, tensor, t.name(), shape, TensorType.FLOAT32, scale, zp, null, f,
                        TensorStats.ofValues(f)));
            }
        });
        return new Trace(arithmetic, layers);
    }

    private static String opName(OperatorDef op) {
        return op.opName();
    }

    /** The last layer: the model's output. */
    public Layer output() {
        return layers.get(layers.size() - 1);
    }
}

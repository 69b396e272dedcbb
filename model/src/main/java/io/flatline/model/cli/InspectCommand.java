package io.flatline.model.cli;

import io.flatline.model.engine.Model;
import io.flatline.model.tflite.ModelFormatException;
import io.flatline.model.tflite.OperatorDef;
import io.flatline.model.tflite.TensorDef;
import io.flatline.model.tflite.TfliteModel;
import io.flatline.model.tflite.TfliteReader;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code flatline model inspect MODEL.tflite}. Exit 0 when the engine can run it, 1 when not. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show inputs, outputs, tensors with quantization, operators, and whether the engine can run "
                + "the model.")
class InspectCommand extends ModelFileCommand {
    @Override
    int execute() throws Cli.Failure {
        byte[] bytes = Cli.read(modelFile, "model");
        TfliteModel m;
        try {
            m = TfliteReader.read(bytes);
        } catch (ModelFormatException e) {
            throw new Cli.Failure(modelFile + ": " + e.getMessage());
        }
        List<String> problems = Model.problems(m);
        PrintWriter out = spec.commandLine().getOut();
        out.println("model     " + modelFile);
        out.println("model id  " + Model.sha256(bytes));
        out.println("schema    version " + m.version()
                + (m.description().isEmpty() ? "" : ", \"" + m.description() + "\""));
        for (int i : m.inputs()) {
            out.println("input     " + describe(m.tensor(i)));
        }
        for (int i : m.outputs()) {
            out.println("output    " + describe(m.tensor(i)));
        }
        out.println("tensors");
        for (TensorDef t : m.tensors()) {
            out.println("  " + describe(t) + (t.isConstant() ? "  constant" : ""));
        }
        out.println("operators");
        for (OperatorDef op : m.operators()) {
            out.println("  #" + op.index() + " " + op.opName() + " in " + Arrays.toString(op.inputs()) + " out "
                    + Arrays.toString(op.outputs()) + " " + op.options());
        }
        if (problems.isEmpty()) {
            out.println("runnable  yes, in litert and tflm arithmetic");
        } else {
            out.println("runnable  no");
            problems.forEach(p -> out.println("  " + p));
            out.println("  " + Model.supported());
        }
        out.flush();
        return problems.isEmpty() ? Cli.OK : Cli.FAILED;
    }

    private static String describe(TensorDef t) {
        return "#" + t.index() + " " + t.name() + " " + t.type() + Arrays.toString(t.shape()) + " quantization "
                + t.quantization() + (t.variable() ? " variable" : "");
    }
}

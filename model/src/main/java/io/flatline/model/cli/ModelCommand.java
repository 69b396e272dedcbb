package io.flatline.model.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flatline model}: the int8 engine from the command line. The launcher adds this class. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Inspect, run and verify int8 .tflite models bit-exactly (litert or tflm arithmetic).",
        subcommands = {InspectCommand.class, RunCommand.class, VerifyCommand.class})
public class ModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public ModelCommand() {}

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}

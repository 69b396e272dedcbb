package io.flatline.model.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What inspect, run and verify share: the model file as first parameter, and a {@link Cli.Failure}
 * reported as one line on stderr with exit code {@link Cli#ERROR}.
 */
abstract class ModelFileCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.tflite")
    Path modelFile;

    @Override
    public final Integer call() {
        try {
            return execute();
        } catch (Cli.Failure e) {
            return Cli.error(spec, e);
        }
    }

    /** The command's work; returns the exit code. */
    abstract int execute() throws Cli.Failure;
}

package io.flatline.model.cli;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Model;
import io.flatline.model.engine.UnsupportedModelException;
import io.flatline.model.tflite.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;

/** What the subcommands share: one-line errors and reading files with messages that name them. */
final class Cli {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int ERROR = 2;

    private Cli() {}

    /** A failure the user can act on, reported as one line on stderr. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    static int error(CommandSpec spec, Failure e) {
        spec.commandLine().getErr().println("flatline " + spec.qualifiedName().replaceFirst("^.*?model", "model")
                + ": " + e.getMessage());
        spec.commandLine().getErr().flush();
        return ERROR;
    }

    static byte[] read(Path file, String what) throws Failure {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Failure(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new Failure("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    static Model load(Path file) throws Failure {
        byte[] bytes = read(file, "model");
        try {
            return Model.load(bytes);
        } catch (ModelFormatException e) {
            throw new Failure(file + ": " + e.getMessage());
        } catch (UnsupportedModelException e) {
            throw new Failure(file + " cannot be run: " + e.getMessage());
        }
    }

    /** Accepts litert or tflm in any case. */
    static final class ArithmeticConverter implements ITypeConverter<Arithmetic> {
        @Override
        public Arithmetic convert(String value) {
            return Arithmetic.parse(value);
        }
    }

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    static String num(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "null";
        }
        return String.format(Locale.ROOT, "%.9g", d).replaceFirst("\\.?0+(e|$)", "$1");
    }
}

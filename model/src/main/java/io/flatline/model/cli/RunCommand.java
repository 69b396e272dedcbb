package io.flatline.model.cli;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Interpreter;
import io.flatline.model.engine.Model;
import io.flatline.model.engine.TensorInfo;
import io.flatline.model.trace.Layer;
import io.flatline.model.trace.Trace;
import io.flatline.model.tflite.TensorType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.StringJoiner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code flatline model run}: N input tensors back to back in, N raw output tensors out (to a file,
 * or stdout), or one JSON line per inference with {@code --json}; {@code --trace} adds every layer.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the model on raw input tensors (each in the model's input type and exact size).")
class RunCommand extends ModelFileCommand {
    @Option(names = "--input", required = true, paramLabel = "IN.bin", description = "N input tensors back to back")
    Path input;

    @Option(names = "--output", paramLabel = "OUT.bin", description = "where to write the N raw outputs "
            + "(default: stdout, unless --json)")
    Path output;

    @Option(names = "--kernels", defaultValue = "litert", paramLabel = "litert|tflm",
            converter = Cli.ArithmeticConverter.class, description = "the arithmetic (default: ${DEFAULT-VALUE})")
    Arithmetic arithmetic;

    @Option(names = "--json", description = "print one JSON line per inference")
    boolean json;

    @Option(names = "--trace", description = "every layer's output and statistics (in the JSON, or on stderr)")
    boolean trace;

    /** Where raw outputs go when there is no --output; tests replace it. */
    PrintStream stdout = System.out;

    @Override
    int execute() throws Cli.Failure {
        Model model = Cli.load(modelFile);
        byte[] in = Cli.read(input, "input");
        TensorInfo ti = model.input();
        TensorInfo to = model.output();
        if (in.length == 0 || in.length % ti.byteSize() != 0) {
            throw new Cli.Failure("input " + input + " has " + in.length + " bytes, not a multiple of the model's "
                    + ti.byteSize() + "-byte input " + ti.type() + ti.shape());
        }
        int n = in.length / ti.byteSize();
        byte[] out = new byte[n * to.byteSize()];
        Interpreter interpreter = model.newInterpreter(arithmetic);
        PrintWriter text = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (int i = 0; i < n; i++) {
            byte[] one = Arrays.copyOfRange(in, i * ti.byteSize(), (i + 1) * ti.byteSize());
            Trace t = trace ? Trace.run(model, interpreter, one, arithmetic) : null;
            interpreter.run(one, 0, out, i * to.byteSize());
            byte[] result = Arrays.copyOfRange(out, i * to.byteSize(), (i + 1) * to.byteSize());
            if (json) {
                text.println(jsonLine(i, result, to, t));
            } else if (t != null) {
                err.println("inference " + i);
                t.layers().forEach(l -> err.println("  " + l.describe()));
            }
        }
        text.flush();
        err.flush();
        if (output != null) {
            write(output, out);
        } else if (!json) {
            stdout.write(out, 0, out.length);
            stdout.flush();
        }
        return Cli.OK;
    }

    private static void write(Path file, byte[] bytes) throws Cli.Failure {
        try (OutputStream os = Files.newOutputStream(file)) {
            os.write(bytes);
        } catch (IOException e) {
            throw new Cli.Failure("cannot write output " + file + ": " + e.getMessage());
        }
    }

    private String jsonLine(int index, byte[] raw, TensorInfo to, Trace t) {
        double[] values = values(raw, to);
        int label = 0;
        for (int j = 1; j < values.length; j++) {
            label = values[j] > values[label] ? j : label;
        }
        StringBuilder b = new StringBuilder("{\"index\":").append(index).append(",\"kernels\":")
                .append(Cli.json(arithmetic.cliName()));
        if (to.type() == TensorType.INT8) {
            b.append(",\"output\":").append(levels(raw));
        }
        b.append(",\"values\":").append(numbers(values)).append(",\"label\":").append(label);
        if (t != null) {
            StringJoiner layers = new StringJoiner(",", "[", "]");
            for (Layer l : t.layers()) {
                var s = l.stats();
                layers.add("{\"operator\":" + l.operator() + ",\"op\":" + Cli.json(l.operatorName()) + ",\"tensor\":"
                        + Cli.json(l.tensorName()) + ",\"shape\":" + l.shape()
                        + ",\"type\":" + Cli.json(l.type().name())
                        + ",\"distinctLevels\":" + s.distinctLevels() + ",\"fractionZero\":" + Cli.num(s.fractionZero())
                        + ",\"fractionAtMin\":" + Cli.num(s.fractionAtLowerLimit()) + ",\"fractionAtMax\":"
                        + Cli.num(s.fractionAtUpperLimit()) + ",\"min\":" + Cli.num(s.min())
                        + ",\"max\":" + Cli.num(s.max())
                        + ",\"data\":" + (l.levels() != null ? levels(l.levels()) : numbers(floats(l.values()))) + "}");
            }
            b.append(",\"trace\":").append(layers);
        }
        return b.append('}').toString();
    }

    private static double[] values(byte[] raw, TensorInfo t) {
        if (t.type() == TensorType.INT8) {
            double[] d = new double[raw.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = (raw[i] - t.zeroPoint()) * (double) t.scale();
            }
            return d;
        }
        float[] f = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return floats(f);
    }

    private static double[] floats(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static String levels(byte[] b) {
        StringJoiner j = new StringJoiner(",", "[", "]");
        for (byte v : b) {
            j.add(Integer.toString(v));
        }
        return j.toString();
    }

    private static String numbers(double[] d) {
        StringJoiner j = new StringJoiner(",", "[", "]");
        for (double v : d) {
            j.add(Cli.num(v));
        }
        return j.toString();
    }
}

package io.flatline.model.engine;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.tflite.ModelFormatException;
import io.flatline.model.tflite.TensorDef;
import io.flatline.model.tflite.TfliteModel;
import io.flatline.model.tflite.TfliteReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A loaded {@code .tflite} model that the engine can run: immutable and thread-safe. Runs go through
 * per-thread {@link Interpreter}s, one per arithmetic.
 */
public final class Model {
    private final TfliteModel graph;
    private final String modelId;
    private final TensorInfo input;
    private final TensorInfo output;
    private final ThreadLocal<Map<Arithmetic, Interpreter>> interpreters =
            ThreadLocal.withInitial(() -> new EnumMap<>(Arithmetic.class));

    private Model(TfliteModel graph, String modelId) {
        this.graph = graph;
        this.modelId = modelId;
        this.input = info(graph.tensor(graph.inputs()[0]));
        this.output = info(graph.tensor(graph.outputs()[0]));
    }

    public static Model load(Path file) throws IOException, ModelFormatException, UnsupportedModelException {
        return load(Files.readAllBytes(file));
    }

    /** Reads and checks a model; the bytes are not retained. */
    public static Model load(byte[] bytes) throws ModelFormatException, UnsupportedModelException {
        TfliteModel graph = TfliteReader.read(bytes);
        List<String> problems = Compiler.problems(graph);
        if (!problems.isEmpty()) {
            throw new UnsupportedModelException(problems);
        }
        return new Model(graph, sha256(bytes));
    }

    /** Why the engine cannot run a model that reads fine; empty when it can. */
    public static List<String> problems(TfliteModel graph) {
        return Compiler.problems(graph);
    }

    /** The operators, types and graph shapes the engine runs, as every {@link UnsupportedModelException} says. */
    public static String supported() {
        return Support.SUMMARY;
    }

    /** SHA-256 of the file bytes, lower-case hex: the id predictions carry. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    static TensorInfo info(TensorDef t) {
        boolean quantized = t.quantization().isPresent();
        return new TensorInfo(t.name(), IntStream.of(t.shape()).boxed().toList(), t.type(),
                quantized ? t.quantization().scale(0) : 0f, quantized ? t.quantization().zeroPoint(0) : 0);
    }

    public String modelId() {
        return modelId;
    }

    public TensorInfo input() {
        return input;
    }

    public TensorInfo output() {
        return output;
    }

    public TfliteModel graph() {
        return graph;
    }

    /** A fresh interpreter for one thread's exclusive use. */
    public Interpreter newInterpreter(Arithmetic arithmetic) {
        try {
            return new Interpreter(graph, arithmetic);
        } catch (UnsupportedModelException e) {
            throw new IllegalStateException("model was checked at load time", e);
        }
    }

    /** One inference: one input tensor's raw bytes in, one output tensor's raw bytes out. */
    public byte[] run(byte[] in, Arithmetic arithmetic) {
        return interpreters.get().computeIfAbsent(arithmetic, this::newInterpreter).run(in);
    }
}

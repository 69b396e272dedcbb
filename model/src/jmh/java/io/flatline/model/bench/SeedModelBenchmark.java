package io.flatline.model.bench;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Interpreter;
import io.flatline.model.engine.Model;
import io.flatline.model.engine.SlidingWindow;
import io.flatline.model.tflite.SeedModels;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The field report's model (1,50,10) → Conv1D(8,5) → GAP → Dense(5) → softmax, one thread: a full
 * inference, and a stride-1 update of a sliding window. Inputs rotate through 64 random windows so
 * no branch predictor learns one. The forks inherit this JVM's options: run it with {@code
 * --add-modules jdk.incubator.vector} (profile bench does) for the SIMD convolution.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SeedModelBenchmark {
    private static final int WINDOWS = 64;

    @Param({"LITERT", "TFLM"})
    public Arithmetic kernels;

    /**
     * false runs the convolution's scalar loops even when the JVM has the Vector API module (the
     * property flatline.model.vector); true runs the SIMD kernel if the module is there.
     */
    @Param({"true", "false"})
    public boolean vector;

    private Interpreter interpreter;
    private SlidingWindow window;
    private byte[] inputs;
    private final byte[] output = new byte[5];
    private int next;

    @Setup
    public void setUp() throws Exception {
        System.setProperty("flatline.model.vector", Boolean.toString(vector));
        Model model = Model.load(SeedModels.bytes(SeedModels.Spec.fieldReport(1)));
        interpreter = model.newInterpreter(kernels);
        window = new SlidingWindow(model, kernels);
        inputs = new byte[WINDOWS * 500];
        new Random(1).nextBytes(inputs);
    }

    @Benchmark
    public byte[] fullInference() {
        next = (next + 1) & (WINDOWS - 1);
        interpreter.run(inputs, next * 500, output, 0);
        return output;
    }

    @Benchmark
    public byte[] incrementalStride1() {
        next = (next + 1) & (WINDOWS * 50 - 1);
        window.push(inputs, next * 10, 1, output, 0);
        return output;
    }
}

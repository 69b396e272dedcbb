package io.flatline.simulator.fleet;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Model;
import io.flatline.model.tflite.SeedModels;
import io.flatline.model.tflite.TensorDef;
import io.flatline.model.tflite.TensorType;
import io.flatline.model.tflite.TfliteModel;
import io.flatline.model.tflite.TfliteWriter;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.quantize.Normalization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a board runs: the {@code .tflite} bytes flashed on it, the normalisation its firmware applies before
 * quantizing, and the arithmetic of its runtime. The same triple, given to the reference as a model config, is
 * what makes a healthy board's input CRC and output match the reference's.
 */
public record BoardModel(String name, byte[] tflite, Normalization normalization, Arithmetic arithmetic) {

    /** Where the demo model appears once trained (model config YAML plus the .tflite it names). */
    public static final String DEMO_RESOURCES = "/io/flatline/simulator/demomodel/";

    public BoardModel {
        tflite = tflite.clone();
    }

    @Override
    public byte[] tflite() {
        return tflite.clone();
    }

    /** The model id predictions carry: the SHA-256 of the file. */
    public String modelId() {
        return Model.sha256(tflite);
    }

    public Model load() {
        try {
            return Model.load(tflite);
        } catch (Exception e) {
            throw new IllegalArgumentException("The model " + name + " cannot be run: " + e.getMessage(), e);
        }
    }

    /** The model a streams model config names, with its normalisation and kernels. */
    public static BoardModel of(ModelConfig config) {
        try {
            return new BoardModel(config.modelFile().getFileName().toString(), Files.readAllBytes(config.modelFile()),
                    config.normalization(), config.kernels());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the model " + config.modelFile(), e);
        }
    }

    /** Reads a model config file (which names the .tflite beside it). */
    public static BoardModel ofConfig(Path modelConfig) {
        return of(ModelConfig.load(modelConfig));
    }

    /**
     * A demo model config from the classpath ({@code demo.yaml} or {@code saturated.yaml} with the .tflite it
     * names), copied to {@code dir} so that {@link ModelConfig#load} can resolve the file; empty while the demo
     * model is not built into the jar.
     */
    public static Optional<Path> extractDemoConfig(String configName, Path dir) {
        String configResource = DEMO_RESOURCES + configName;
        try (InputStream config = BoardModel.class.getResourceAsStream(configResource)) {
            if (config == null) {
                return Optional.empty();
            }
            Files.createDirectories(dir);
            Path configFile = dir.resolve(configName);
            Files.write(configFile, config.readAllBytes());
            for (String tflite : List.of("demo.tflite", "saturated.tflite")) {
                try (InputStream model = BoardModel.class.getResourceAsStream(DEMO_RESOURCES + tflite)) {
                    if (model != null) {
                        Files.write(dir.resolve(tflite), model.readAllBytes());
                    }
                }
            }
            return Optional.of(configFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the demo model to " + dir, e);
        }
    }

    /**
     * The stand-in while no trained model exists: the field report's seed model (a (1,50,10) Conv1D CNN with 5
     * outputs), with a z-score normalisation measured on {@link SignalGenerator} samples across every regime.
     */
    public static BoardModel seed(long seed) {
        byte[] tflite = SeedModels.bytes(SeedModels.Spec.fieldReport(seed));
        return new BoardModel("seed-" + seed + ".tflite", tflite, measuredZScore(seed, 1.0), Arithmetic.LITERT);
    }

    /**
     * The stand-in for a saturated model until the demo's exists: the same seed model with its convolution's
     * biases pushed far negative, so every ReLU output is 0 whatever the input ("conv1 output 100% zero after
     * ReLU") and the output never moves, on the board and in the reference alike, while the inputs keep
     * changing. The normalisation is the healthy one: the inputs use many int8 levels.
     */
    public static BoardModel saturatedSeed(long seed) {
        TfliteModel graph = SeedModels.build(SeedModels.Spec.fieldReport(seed));
        List<TensorDef> tensors = new ArrayList<>(graph.tensors());
        boolean found = false;
        for (int i = 0; i < tensors.size(); i++) {
            TensorDef t = tensors.get(i);
            if (t.name().equals("conv1d/BiasAdd") && t.type() == TensorType.INT32 && t.data() != null) {
                ByteBuffer dead = ByteBuffer.allocate(t.data().length).order(ByteOrder.LITTLE_ENDIAN);
                while (dead.hasRemaining()) {
                    dead.putInt(-(1 << 24));
                }
                tensors.set(i, new TensorDef(t.index(), t.name(), t.shape(), t.type(), t.quantization(), dead.array()));
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("The seed model has no conv1d/BiasAdd tensor to saturate");
        }
        TfliteModel dead = new TfliteModel(graph.version(), graph.description(), tensors, graph.operators(),
                graph.inputs(), graph.outputs());
        return new BoardModel("seed-" + seed + "-saturated.tflite", TfliteWriter.write(dead),
                measuredZScore(seed, 1.0), Arithmetic.LITERT);
    }

    /** Per-channel mean and standard deviation of simulated samples over every regime, std multiplied by {@code stretch}. */
    public static Normalization.ZScore measuredZScore(long seed, double stretch) {
        int channels = SignalGenerator.CHANNELS;
        double[] sum = new double[channels];
        double[] sumSq = new double[channels];
        int n = 0;
        SignalGenerator generator = new SignalGenerator(seed);
        RegimeSchedule schedule = new RegimeSchedule(seed, 200, 200, Regime.NORMAL);
        for (int i = 0; i < 200 * Regime.values().length * 2; i++) {
            float[] x = generator.next(schedule.next());
            for (int c = 0; c < channels; c++) {
                sum[c] += x[c];
                sumSq[c] += (double) x[c] * x[c];
            }
            n++;
        }
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / n;
            mean[c] = (float) m;
            std[c] = (float) (Math.sqrt(Math.max(sumSq[c] / n - m * m, 1e-12)) * stretch);
        }
        return new Normalization.ZScore(mean, std);
    }

    /**
     * Writes this model as the streams application reads it: the {@code .tflite} file and a model config
     * {@code <baseName>.yaml} beside it naming the file, the kernels, the labels and the normalisation (floats
     * written exactly). Returns the config file.
     */
    public Path writeModelConfig(Path dir, String baseName, List<String> labels) {
        return writeConfig(dir, baseName, "# The model config of simulated boards (" + name + ")\nmodel:\n"
                + configSection(dir, baseName, labels, "  "));
    }

    /**
     * Writes the {@code .tflite} file into {@code dir} and returns this model's fields in a model config (the
     * file, the kernels, the labels and the normalisation, floats written exactly), each line indented.
     */
    public String configSection(Path dir, String baseName, List<String> labels, String indent) {
        StringBuilder y = new StringBuilder();
        y.append(indent).append("file: ").append(baseName).append(".tflite\n");
        y.append(indent).append("kernels: ").append(arithmetic.name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        y.append(indent).append("labels: [").append(String.join(", ", labels)).append("]\n");
        y.append(indent).append("normalization:\n");
        if (normalization instanceof Normalization.ZScore z) {
            y.append(indent).append("  method: zscore\n");
            y.append(indent).append("  mean: ").append(exact(z.mean())).append('\n');
            y.append(indent).append("  std: ").append(exact(z.std())).append('\n');
        } else if (normalization instanceof Normalization.MinMax m) {
            y.append(indent).append("  method: minmax\n");
            y.append(indent).append("  min: ").append(exact(m.min())).append('\n');
            y.append(indent).append("  max: ").append(exact(m.max())).append('\n');
        } else {
            y.append(indent).append("  method: none\n");
        }
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(baseName + ".tflite"), tflite);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the model to " + dir, e);
        }
        return y.toString();
    }

    /** Writes {@code yaml} as the model config {@code <baseName>.yaml} in {@code dir}; returns the file. */
    public static Path writeConfig(Path dir, String baseName, String yaml) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(baseName + ".yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the model config to " + dir, e);
        }
    }

    /** The class labels of the simulator's regimes, in the model's output order. */
    public static List<String> regimeLabels() {
        return Arrays.stream(Regime.values()).map(Regime::label).toList();
    }

    /** What a fleet runs by default: the healthy boards' model and the saturated-model boards' model. */
    public record Defaults(BoardModel model, BoardModel saturated, String source) {
    }

    /**
     * The demo models from the classpath when they are built in ({@code demo.yaml}, {@code saturated.yaml}),
     * copied to {@code dir}; else the seed stand-ins {@link #seed(long)} and {@link #saturatedSeed(long)}.
     */
    public static Defaults defaults(Path dir) {
        Optional<Path> demo = extractDemoConfig("demo.yaml", dir);
        if (demo.isPresent()) {
            BoardModel model = ofConfig(demo.get());
            BoardModel saturated = extractDemoConfig("saturated.yaml", dir).map(BoardModel::ofConfig).orElse(model);
            return new Defaults(model, saturated, "the demo model (classpath " + DEMO_RESOURCES + ")");
        }
        return new Defaults(seed(1), saturatedSeed(1), "the seed stand-in model (the demo model is not built in)");
    }

    private static String exact(float[] values) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            out.append(i == 0 ? "" : ", ").append((double) values[i]);
        }
        return out.append(']').toString();
    }

    @Override
    public String toString() {
        return "BoardModel[" + name + ", " + arithmetic + ", " + normalization.getClass().getSimpleName() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BoardModel other && name.equals(other.name) && Arrays.equals(tflite, other.tflite)
                && sameNormalization(normalization, other.normalization) && arithmetic == other.arithmetic;
    }

    private static boolean sameNormalization(Normalization a, Normalization b) {
        if (a instanceof Normalization.ZScore x && b instanceof Normalization.ZScore y) {
            return Arrays.equals(x.mean(), y.mean()) && Arrays.equals(x.std(), y.std());
        }
        if (a instanceof Normalization.MinMax x && b instanceof Normalization.MinMax y) {
            return Arrays.equals(x.min(), y.min()) && Arrays.equals(x.max(), y.max());
        }
        return a.getClass() == b.getClass();
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tflite) * 31 + name.hashCode();
    }
}

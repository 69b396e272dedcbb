package io.flatline.streams.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.flatline.model.arith.Arithmetic;
import io.flatline.streams.alarm.AlarmSettings;
import io.flatline.streams.detect.RunDetector;
import io.flatline.streams.quantize.Normalization;
import io.flatline.streams.window.WindowPolicy;
import io.flatline.streams.window.WindowPolicy.BadQualityPolicy;
import io.flatline.streams.window.WindowPolicy.GapPolicy;

/**
 * The model config a user writes for the streams application: which models the fleet runs and which device runs
 * which, how the boards preprocess their inputs, and how alerts are judged. Read with {@link #load(Path)}, which
 * reports every mistake with file, line and field.
 *
 * <p>A fleet that runs one model names it under {@code model}; a fleet that rolls models out names each under
 * {@code models}, by a handle of its choice, and says under {@code assign} which device runs which. The top-level
 * {@code normalization} and {@code window} are every model's unless the model names its own.
 *
 * @param models     every model the application runs, the default first
 * @param assignment which model the config gives each device
 * @param detector   when a run of identical outputs becomes an alert
 * @param comparison how board inferences are held against the reference
 * @param alarm      when an alarm clears, and how an intermittent fault stays one alarm
 */
public record ModelConfig(List<ModelSpec> models, DeviceAssignment assignment, RunDetector.Settings detector,
                          Comparison comparison, AlarmSettings alarm) {

    public enum Method { ZSCORE, MINMAX, NONE }

    /**
     * @param toleranceLsb     the largest output difference, in int8 steps, that still counts as agreement
     * @param divergenceRun    comparisons in a row beyond tolerance (or with different inputs) that raise an
     *                         alert, and within tolerance that clear it
     * @param retentionWindows reference windows kept per device for matching board inferences
     * @param summaryWindows   comparisons the rolling agreement summary covers
     */
    public record Comparison(int toleranceLsb, int divergenceRun, int retentionWindows, int summaryWindows) {
    }

    public ModelConfig {
        models = List.copyOf(models);
    }

    /** A config of one model that every device runs. */
    public static ModelConfig single(ModelSpec model, RunDetector.Settings detector, Comparison comparison,
                                     AlarmSettings alarm) {
        return new ModelConfig(List.of(model), DeviceAssignment.allTo(model.name()), detector, comparison, alarm);
    }

    /** The model of every device the assignment names no other for. */
    public ModelSpec defaultModel() {
        return model(assignment.defaultModel());
    }

    public ModelSpec model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No model named " + name));
    }

    /** The same config with {@code model} in place of the model of its name. */
    public ModelConfig withModel(ModelSpec model) {
        return new ModelConfig(models.stream().map(m -> m.name().equals(model.name()) ? model : m).toList(),
                assignment, detector, comparison, alarm);
    }

    // The default model's, for the many places that run one model.

    public Path modelFile() {
        return defaultModel().file();
    }

    public Arithmetic kernels() {
        return defaultModel().kernels();
    }

    public List<String> labels() {
        return defaultModel().labels();
    }

    public Normalization normalization() {
        return defaultModel().normalization();
    }

    public WindowPolicy window() {
        return defaultModel().window();
    }

    public static ModelConfig load(Path file) {
        YamlTree.Problems problems = new YamlTree.Problems();
        Optional<ModelConfig> config = YamlTree.parse(file, problems).flatMap(root -> read(root, file, problems));
        problems.throwIfAny("Model config " + file);
        return config.orElseThrow();
    }

    private static Optional<ModelConfig> read(YamlTree.Section root, Path file, YamlTree.Problems problems) {
        root.allowOnly(Set.of("model", "models", "assign", "normalization", "window", "detector", "comparison",
                "alarm"));

        Normalization normalization = root.section("normalization").map(ModelConfig::normalization)
                .orElse(new Normalization.None());
        WindowPolicy window = new WindowPolicy(50, 1, GapPolicy.RESET, BadQualityPolicy.SKIP);
        Optional<YamlTree.Section> w = root.section("window");
        if (w.isPresent()) {
            w.get().allowOnly(Set.of("size", "stride", "gap", "badQuality", "idleEviction"));
            Duration idle = w.get().duration("idleEviction", WindowPolicy.DEFAULT_IDLE_EVICTION);
            if (idle.isZero()) {
                w.get().problem("idleEviction", "must be longer than 0");
                idle = WindowPolicy.DEFAULT_IDLE_EVICTION;
            }
            window = new WindowPolicy(w.get().integer("size", 50, 1, 4096), w.get().integer("stride", 1, 1, 4096),
                    w.get().choice("gap", GapPolicy.class, GapPolicy.RESET),
                    w.get().choice("badQuality", BadQualityPolicy.class, BadQualityPolicy.SKIP), idle);
        }

        WindowPolicy defaults = window;
        List<ModelSpec> models = new ArrayList<>();
        DeviceAssignment assignment = null;
        if (root.has("model") && root.has("models")) {
            root.problem("models", "cannot stand beside 'model': name one model under 'model', or each under"
                    + " 'models'");
        } else if (root.has("models")) {
            Optional<YamlTree.Section> all = root.section("models");
            if (all.isPresent()) {
                for (String name : all.get().fields()) {
                    all.get().section(name).map(m -> spec(name, "models." + name, m, file, normalization, defaults)).ifPresent(models::add);
                }
                if (all.get().fields().isEmpty()) {
                    root.problem("models", "names no model");
                }
            }
            assignment = assignment(root, all.map(YamlTree.Section::fields).orElse(List.of()));
        } else {
            root.requiredSection("model").map(m -> spec("default", "model", m, file, normalization, defaults))
                    .ifPresent(models::add);
            if (root.has("assign")) {
                root.problem("assign", "needs models named under 'models'");
            }
            assignment = DeviceAssignment.allTo("default");
        }

        int stuck = 30;
        int distinct = 10;
        int stale = 30;
        int flatlineWindow = RunDetector.Settings.FLATLINE_WINDOW;
        double suspectShare = RunDetector.Settings.SUSPECT_SHARE;
        int flatlineTolerance = RunDetector.Settings.FLATLINE_TOLERANCE_LSB;
        Optional<YamlTree.Section> d = root.section("detector");
        if (d.isPresent()) {
            d.get().allowOnly(Set.of("stuckRunLength", "minDistinctInputs", "staleRunLength", "flatlineWindow",
                    "suspectShare", "flatlineToleranceLsb"));
            stuck = d.get().integer("stuckRunLength", stuck, 2, 1_000_000);
            distinct = d.get().integer("minDistinctInputs", Math.min(distinct, stuck), 2, 1_000_000);
            stale = d.get().integer("staleRunLength", stale, 2, 1_000_000);
            flatlineWindow = d.get().integer("flatlineWindow", flatlineWindow, 2, 4096);
            suspectShare = d.get().number("suspectShare", suspectShare, 0.51, 1.0);
            flatlineTolerance = d.get().integer("flatlineToleranceLsb", flatlineTolerance, 0, 255);
            if (distinct > stuck) {
                d.get().problem("minDistinctInputs", "cannot exceed stuckRunLength (" + stuck + ")");
                distinct = stuck;
            }
        }

        Comparison comparison = new Comparison(1, 5, 500, 200);
        Optional<YamlTree.Section> c = root.section("comparison");
        if (c.isPresent()) {
            c.get().allowOnly(Set.of("toleranceLsb", "divergenceRun", "retentionWindows", "summaryWindows"));
            comparison = new Comparison(c.get().integer("toleranceLsb", 1, 0, 255),
                    c.get().integer("divergenceRun", 5, 1, 100_000),
                    c.get().integer("retentionWindows", 500, 1, 100_000),
                    c.get().integer("summaryWindows", 200, 1, 100_000));
        }

        AlarmSettings alarm = AlarmSettings.DEFAULT;
        Optional<YamlTree.Section> a = root.section("alarm");
        if (a.isPresent()) {
            a.get().allowOnly(Set.of("clearAfter", "hold"));
            alarm = new AlarmSettings(a.get().integer("clearAfter", alarm.clearAfter(), 1, 10_000_000),
                    a.get().duration("hold", alarm.hold()));
        }

        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ModelConfig(models, assignment,
                new RunDetector.Settings(stuck, distinct, stale, flatlineWindow, suspectShare, flatlineTolerance),
                comparison, alarm));
    }

    /** One model's section; its own normalization and window size and stride override the top-level ones. */
    private static ModelSpec spec(String name, String section, YamlTree.Section m, Path file, Normalization normalization,
                                  WindowPolicy window) {
        m.allowOnly(Set.of("file", "kernels", "labels", "normalization", "window"));
        Path modelFile = null;
        Optional<String> fileName = m.requiredString("file");
        if (fileName.isPresent()) {
            Path dir = file.toAbsolutePath().getParent();
            modelFile = dir == null ? Path.of(fileName.get()) : dir.resolve(fileName.get()).normalize();
            if (!Files.isRegularFile(modelFile)) {
                m.problem("file", "no such file: " + modelFile);
            }
        }
        Arithmetic kernels = m.choice("kernels", Arithmetic.class, Arithmetic.LITERT);
        List<String> labels = m.strings("labels").orElse(List.of());
        if (!m.has("labels")) {
            m.problem("labels", "is required: one label per output class");
        }
        Normalization own = m.section("normalization").map(ModelConfig::normalization).orElse(normalization);
        WindowPolicy ownWindow = window;
        Optional<YamlTree.Section> w = m.section("window");
        if (w.isPresent()) {
            w.get().allowOnly(Set.of("size", "stride"));
            ownWindow = new WindowPolicy(w.get().integer("size", window.size(), 1, 4096),
                    w.get().integer("stride", window.stride(), 1, 4096), window.onGap(), window.onBadQuality(),
                    window.idleEviction());
        }
        return new ModelSpec(name, section, modelFile, kernels, labels, own, ownWindow);
    }

    /** The {@code assign} section: every name it uses must be one of {@code names}. */
    private static DeviceAssignment assignment(YamlTree.Section root, List<String> names) {
        if (names.isEmpty()) {
            return null;
        }
        Optional<YamlTree.Section> assign = root.section("assign");
        if (assign.isEmpty()) {
            if (names.size() > 1) {
                root.problem("assign", "is required with more than one model: at least 'default: <model>'");
            }
            return DeviceAssignment.allTo(names.get(0));
        }
        YamlTree.Section s = assign.get();
        s.allowOnly(Set.of("default", "devices", "patterns"));
        String defaultModel = s.string("default").orElse(names.size() == 1 ? names.get(0) : null);
        if (defaultModel == null) {
            s.problem("default", "is required with more than one model: one of " + String.join(", ", names));
        } else if (!names.contains(defaultModel)) {
            s.problem("default", "names no model; expected one of " + String.join(", ", names));
        }
        Map<String, String> devices = modelNames(s, "devices", names);
        Map<String, String> patterns = modelNames(s, "patterns", names);
        return new DeviceAssignment(defaultModel == null ? names.get(0) : defaultModel, devices, patterns);
    }

    /** A mapping of device ids or patterns to model names. */
    private static Map<String, String> modelNames(YamlTree.Section assign, String field, List<String> names) {
        Map<String, String> byKey = new LinkedHashMap<>();
        assign.section(field).ifPresent(s -> {
            for (String key : s.fields()) {
                s.string(key).ifPresent(model -> {
                    if (names.contains(model)) {
                        byKey.put(key, model);
                    } else {
                        s.problem(key, "names no model ('" + model + "'); expected one of " + String.join(", ", names));
                    }
                });
            }
        });
        return byKey;
    }

    private static Normalization normalization(YamlTree.Section n) {
        Method method = n.choice("method", Method.class, Method.NONE);
        switch (method) {
            case ZSCORE -> {
                n.allowOnly(Set.of("method", "mean", "std"));
                Optional<List<Double>> mean = requiredNumbers(n, "mean");
                Optional<List<Double>> std = requiredNumbers(n, "std");
                if (mean.isPresent() && std.isPresent() && sameLength(n, "std", mean.get(), std.get())) {
                    for (int i = 0; i < std.get().size(); i++) {
                        if (!(std.get().get(i) > 0)) {
                            n.problem("std", "std[" + i + "] must be positive, got " + std.get().get(i));
                        }
                    }
                    return Normalization.ZScore.of(mean.get(), std.get());
                }
            }
            case MINMAX -> {
                n.allowOnly(Set.of("method", "min", "max"));
                Optional<List<Double>> min = requiredNumbers(n, "min");
                Optional<List<Double>> max = requiredNumbers(n, "max");
                if (min.isPresent() && max.isPresent() && sameLength(n, "max", min.get(), max.get())) {
                    for (int i = 0; i < min.get().size(); i++) {
                        if (!(max.get().get(i) > min.get().get(i))) {
                            n.problem("max", "max[" + i + "] must be greater than min[" + i + "]");
                        }
                    }
                    return Normalization.MinMax.of(min.get(), max.get());
                }
            }
            case NONE -> n.allowOnly(Set.of("method"));
        }
        return new Normalization.None();
    }

    private static Optional<List<Double>> requiredNumbers(YamlTree.Section n, String field) {
        if (!n.has(field)) {
            n.problem(field, "is required for this method: one number per channel");
        }
        return n.numbers(field);
    }

    private static boolean sameLength(YamlTree.Section n, String field, List<Double> a, List<Double> b) {
        if (a.size() != b.size()) {
            n.problem(field, "has " + b.size() + " values, the other list " + a.size());
            return false;
        }
        return true;
    }
}

package io.flatline.streams.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * The model config a user writes for the streams application: which model the fleet runs and how, how the
 * boards preprocess their inputs, and how alerts are judged. Read with {@link #load(Path)}, which reports
 * every mistake with file, line and field.
 *
 * @param modelFile     the {@code .tflite} file, resolved against the config file's directory
 * @param kernels       the arithmetic of the fleet's runtime: LiteRT's on a PC, or TFLite Micro's reference kernels
 * @param labels        one label per output class
 * @param normalization what the boards apply to raw values before quantizing
 * @param window        how readings form windows
 * @param detector      when a run of identical outputs becomes an alert
 * @param comparison    how board inferences are held against the reference
 * @param alarm         when an alarm clears, and how an intermittent fault stays one alarm
 */
public record ModelConfig(Path modelFile, Arithmetic kernels, List<String> labels, Normalization normalization,
                          WindowPolicy window, RunDetector.Settings detector, Comparison comparison,
                          AlarmSettings alarm) {

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

    public static ModelConfig load(Path file) {
        YamlTree.Problems problems = new YamlTree.Problems();
        Optional<ModelConfig> config = YamlTree.parse(file, problems).flatMap(root -> read(root, file, problems));
        problems.throwIfAny("Model config " + file);
        return config.orElseThrow();
    }

    private static Optional<ModelConfig> read(YamlTree.Section root, Path file, YamlTree.Problems problems) {
        root.allowOnly(Set.of("model", "normalization", "window", "detector", "comparison", "alarm"));

        Path modelFile = null;
        Arithmetic kernels = Arithmetic.LITERT;
        List<String> labels = List.of();
        Optional<YamlTree.Section> model = root.requiredSection("model");
        if (model.isPresent()) {
            YamlTree.Section m = model.get();
            m.allowOnly(Set.of("file", "kernels", "labels"));
            Optional<String> name = m.requiredString("file");
            if (name.isPresent()) {
                Path dir = file.toAbsolutePath().getParent();
                modelFile = dir == null ? Path.of(name.get()) : dir.resolve(name.get()).normalize();
                if (!Files.isRegularFile(modelFile)) {
                    m.problem("file", "no such file: " + modelFile);
                }
            }
            kernels = m.choice("kernels", Arithmetic.class, Arithmetic.LITERT);
            labels = m.strings("labels").orElse(List.of());
            if (!m.has("labels")) {
                m.problem("labels", "is required: one label per output class");
            }
        }

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
        return Optional.of(new ModelConfig(modelFile, kernels, labels, normalization, window,
                new RunDetector.Settings(stuck, distinct, stale, flatlineWindow, suspectShare, flatlineTolerance),
                comparison, alarm));
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

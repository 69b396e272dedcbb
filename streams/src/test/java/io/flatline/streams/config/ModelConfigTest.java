package io.flatline.streams.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import io.flatline.streams.quantize.Normalization;
import io.flatline.streams.window.WindowPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Files.write(dir.resolve("model.tflite"), new byte[] {1});
        return Files.writeString(dir.resolve("flatline.yaml"), yaml);
    }

    @Test
    void readsAFullConfig() throws Exception {
        Path file = write("""
                model:
                  file: model.tflite
                  kernels: tflm
                  labels: [normal, imbalance, bearing-wear, misalignment, cavitation]
                normalization:
                  method: zscore
                  mean: [0, 1]
                  std: [1, 2]
                window:
                  size: 50
                  stride: 5
                  gap: ignore
                  badQuality: reset
                detector:
                  stuckRunLength: 40
                  minDistinctInputs: 20
                  staleRunLength: 25
                comparison:
                  toleranceLsb: 2
                """);
        ModelConfig config = ModelConfig.load(file);
        assertThat(config.modelFile()).isEqualTo(dir.resolve("model.tflite"));
        assertThat(config.kernels()).isEqualTo(io.flatline.model.arith.Arithmetic.TFLM);
        assertThat(config.labels()).hasSize(5).startsWith("normal");
        assertThat(config.normalization()).isInstanceOf(Normalization.ZScore.class);
        assertThat(config.window()).isEqualTo(new WindowPolicy(50, 5, WindowPolicy.GapPolicy.IGNORE,
                WindowPolicy.BadQualityPolicy.RESET));
        assertThat(config.detector().stuckRunLength()).isEqualTo(40);
        assertThat(config.detector().minDistinctInputs()).isEqualTo(20);
        assertThat(config.comparison().toleranceLsb()).isEqualTo(2);
        assertThat(config.comparison().divergenceRun()).isEqualTo(5);
    }

    @Test
    void hasSensibleDefaults() throws Exception {
        ModelConfig config = ModelConfig.load(write("model: {file: model.tflite, labels: [a, b]}\n"));
        assertThat(config.kernels()).isEqualTo(io.flatline.model.arith.Arithmetic.LITERT);
        assertThat(config.window().size()).isEqualTo(50);
        assertThat(config.window().stride()).isEqualTo(1);
        assertThat(config.normalization()).isInstanceOf(Normalization.None.class);
    }

    @Test
    void reportsEveryMistakeWithFileLineAndField() throws Exception {
        Path file = write("""
                model:
                  file: missing.tflite
                  kernels: cuda
                normalization:
                  method: zscore
                  mean: [0, 1]
                  std: [1, zero]
                window:
                  size: -3
                  strid: 2
                """);
        assertThatThrownBy(() -> ModelConfig.load(file))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).containsExactlyInAnyOrder(
                        file + ":2: model.file: no such file: " + dir.resolve("missing.tflite"),
                        file + ":3: model.kernels: must be one of litert, tflm, got 'cuda'",
                        file + ":1: model.labels: is required: one label per output class",
                        file + ":7: normalization.std[1]: must be one of the numbers, got 'zero'",
                        file + ":9: window.size: must be between 1 and 4096, got -3",
                        file + ":10: window.strid: unknown field; expected one of badQuality, gap, idleEviction, size, stride"));
    }

    @Test
    void readsTheNearFlatlineMeasureAndTheAlarmLifecycle() throws Exception {
        ModelConfig config = ModelConfig.load(write("""
                model: {file: model.tflite, labels: [a, b]}
                detector:
                  flatlineWindow: 80
                  suspectShare: 0.95
                  flatlineToleranceLsb: 1
                alarm:
                  clearAfter: 50
                  hold: 15m
                """));
        assertThat(config.detector().flatlineWindow()).isEqualTo(80);
        assertThat(config.detector().suspectShare()).isEqualTo(0.95);
        assertThat(config.detector().flatlineToleranceLsb()).isEqualTo(1);
        assertThat(config.alarm()).isEqualTo(new io.flatline.streams.alarm.AlarmSettings(50,
                java.time.Duration.ofMinutes(15)));
        ModelConfig defaults = ModelConfig.load(write("model: {file: model.tflite, labels: [a, b]}\n"));
        assertThat(defaults.alarm()).isEqualTo(io.flatline.streams.alarm.AlarmSettings.DEFAULT);
        assertThat(defaults.detector().flatlineWindow()).isEqualTo(60);
    }

    @Test
    void readsHowLongAnIdleDeviceStaysInMemory() throws Exception {
        ModelConfig config = ModelConfig.load(write("""
                model: {file: model.tflite, labels: [a, b]}
                window:
                  idleEviction: 20m
                """));
        assertThat(config.window().idleEviction()).isEqualTo(java.time.Duration.ofMinutes(20));
        ModelConfig defaults = ModelConfig.load(write("model: {file: model.tflite, labels: [a, b]}\n"));
        assertThat(defaults.window().idleEviction()).isEqualTo(WindowPolicy.DEFAULT_IDLE_EVICTION);
        Path never = write("""
                model: {file: model.tflite, labels: [a, b]}
                window:
                  idleEviction: 0s
                """);
        assertThatThrownBy(() -> ModelConfig.load(never)).isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).containsExactly(
                        never + ":3: window.idleEviction: must be longer than 0"));
    }

    @Test
    void reportsABadLifecycleWithLineAndField() throws Exception {
        Path file = write("""
                model: {file: model.tflite, labels: [a, b]}
                detector:
                  suspectShare: 0.3
                alarm:
                  clearAfter: 0
                  hold: soon
                """);
        assertThatThrownBy(() -> ModelConfig.load(file)).isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).containsExactlyInAnyOrder(
                        file + ":3: detector.suspectShare: must be between 0.51 and 1.0, got 0.3",
                        file + ":5: alarm.clearAfter: must be between 1 and 10000000, got 0",
                        file + ":6: alarm.hold: must be a duration such as 30s, 10m or 1h, got 'soon'"));
    }

    @Test
    void reportsYamlThatDoesNotParse() throws Exception {
        Path file = write("model:\n  file: [unclosed\n");
        assertThatThrownBy(() -> ModelConfig.load(file)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(file + ":3: not valid YAML");
    }

    @Test
    void readsSeveralModelsAndWhichDeviceRunsWhich() throws Exception {
        Files.write(dir.resolve("v2.tflite"), new byte[] {2});
        Path file = write("""
                models:
                  v1:
                    file: model.tflite
                    labels: [a, b]
                  v2:
                    file: v2.tflite
                    kernels: tflm
                    labels: [a, b, c]
                    normalization: {method: minmax, min: [0], max: [10]}
                    window: {size: 30}
                assign:
                  default: v1
                  devices:
                    press-07: v2
                  patterns:
                    "line2-*": v2
                    "line?-9": v1
                window:
                  stride: 2
                """);
        ModelConfig config = ModelConfig.load(file);
        assertThat(config.models()).extracting(ModelSpec::name).containsExactly("v1", "v2");
        assertThat(config.defaultModel().file()).isEqualTo(dir.resolve("model.tflite"));
        ModelSpec v2 = config.model("v2");
        assertThat(v2.window().size()).isEqualTo(30);
        assertThat(v2.window().stride()).as("the top-level stride").isEqualTo(2);
        assertThat(v2.normalization()).isInstanceOf(Normalization.MinMax.class);
        assertThat(config.model("v1").normalization()).isInstanceOf(Normalization.None.class);
        assertThat(config.model("v1").window().size()).isEqualTo(50);
        DeviceAssignment assign = config.assignment();
        assertThat(assign.modelFor("press-07")).isEqualTo("v2");
        assertThat(assign.modelFor("line2-9")).as("the first pattern in the file's order").isEqualTo("v2");
        assertThat(assign.modelFor("line3-9")).isEqualTo("v1");
        assertThat(assign.modelFor("line3-8")).isEqualTo("v1");
        assertThat(assign.modelFor("line2")).as("a pattern matches the whole id").isEqualTo("v1");
    }

    @Test
    void namesEveryMistakeInTheModelsAndTheirAssignment() throws Exception {
        Path file = write("""
                models:
                  v1:
                    file: model.tflite
                    labels: [a]
                  v2:
                    file: missing.tflite
                    labels: [a]
                    window: {gap: ignore}
                assign:
                  devices:
                    press-07: v3
                """);
        assertThatThrownBy(() -> ModelConfig.load(file)).hasMessageContaining("has 4 problems")
                .hasMessageContaining(file + ":6: models.v2.file: no such file")
                .hasMessageContaining(file + ":8: models.v2.window.gap: unknown field; expected one of size, stride")
                .hasMessageContaining(file + ":9: assign.default: is required with more than one model: one of v1, v2")
                .hasMessageContaining(file + ":11: assign.devices.press-07: names no model ('v3')");
        Path both = write("""
                model: {file: model.tflite, labels: [a]}
                models:
                  v1: {file: model.tflite, labels: [a]}
                """);
        assertThatThrownBy(() -> ModelConfig.load(both)).hasMessageContaining("models")
                .hasMessageContaining("cannot stand beside 'model'");
        Path assignAlone = write("""
                model: {file: model.tflite, labels: [a]}
                assign: {default: v1}
                """);
        assertThatThrownBy(() -> ModelConfig.load(assignAlone)).hasMessageContaining("assign")
                .hasMessageContaining("needs models named under 'models'");
    }
}

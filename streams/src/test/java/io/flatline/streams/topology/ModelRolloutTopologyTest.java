package io.flatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import io.flatline.model.arith.Arithmetic;
import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.alarm.AlarmSettings;
import io.flatline.streams.app.StreamsSettings;
import io.flatline.streams.config.DeviceAssignment;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.config.ModelSpec;
import io.flatline.streams.detect.RunDetector;
import io.flatline.streams.infer.FleetModels;
import io.flatline.streams.infer.ReferenceModel;
import io.flatline.streams.quantize.InputQuantizer;
import io.flatline.streams.quantize.Normalization;
import io.flatline.streams.window.WindowPolicy;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of two models in one topology: which device runs which, and what happens when a device moves from one to
 * the other, in either order of the board's first report of the new model and its readings.
 */
class ModelRolloutTopologyTest {

    private static final int CHANNELS = 2;
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);

    @TempDir
    Path dir;

    private final Topics topics = Topics.defaults();
    private final PipelineCounters counters = new PipelineCounters();
    private TopologyTestDriver driver;
    private TestInputTopic<String, SensorReading> readings;
    private TestInputTopic<String, BoardInference> boards;
    private TestOutputTopic<String, Prediction> predictions;
    private TestOutputTopic<String, Alert> alerts;
    private TestOutputTopic<String, BoardComparison> comparisons;
    private TestOutputTopic<String, DeviceHealth> health;
    /** Model A has windows of 4 readings, B of 3, so a cut also changes the window. */
    private ReferenceModel modelA;
    private final ReferenceModel modelB = new WindowSumModel(3, CHANNELS, false, B);
    /** C takes the same input as A: a retrained A. */
    private final ReferenceModel modelC = new WindowSumModel(4, CHANNELS, false, C);

    /** Model A frozen or not; devices {@code dev-b} and {@code line2-*} are given B, every other device A. */
    private void start(boolean frozenA) {
        modelA = new WindowSumModel(4, CHANNELS, frozenA, A);
        WindowPolicy window = new WindowPolicy(4, 1, WindowPolicy.GapPolicy.RESET, WindowPolicy.BadQualityPolicy.SKIP);
        ModelConfig config = new ModelConfig(List.of(
                new ModelSpec("a", "models.a", Path.of("a.tflite"), Arithmetic.LITERT, List.of("x", "y"),
                        new Normalization.None(), window),
                new ModelSpec("b", "models.b", Path.of("b.tflite"), Arithmetic.LITERT, List.of("x", "y"),
                        new Normalization.None(), new WindowPolicy(3, 1, window.onGap(), window.onBadQuality())),
                new ModelSpec("c", "models.c", Path.of("c.tflite"), Arithmetic.LITERT, List.of("x", "y"),
                        new Normalization.None(), window)),
                new DeviceAssignment("a", Map.of("dev-b", "b"), Map.of("line2-*", "b")),
                new RunDetector.Settings(5, 3, 5), new ModelConfig.Comparison(1, 3, 100, 50),
                new AlarmSettings(4, Duration.ZERO));
        FleetModels models = FleetModels.of(config, Map.of("a", modelA, "b", modelB, "c", modelC));
        Properties props = new StreamsSettings(Path.of("flatline.yaml"), "unused:9092", Map.of(), Optional.empty())
                .streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        driver = new TopologyTestDriver(new FlatlineTopology(topics, models, counters, Period.ALL).build(), props);
        readings = driver.createInputTopic(topics.sensorReadings().name(), topics.sensorReadings().keySerializer(),
                topics.sensorReadings().valueSerializer());
        boards = driver.createInputTopic(topics.boardInferences().name(), topics.boardInferences().keySerializer(),
                topics.boardInferences().valueSerializer());
        predictions = output(topics.predictions());
        alerts = output(topics.alerts());
        comparisons = output(topics.boardComparisons());
        health = output(topics.deviceHealth());
    }

    private <V> TestOutputTopic<String, V> output(Topic<String, V> t) {
        return driver.createOutputTopic(t.name(), t.keyDeserializer(), t.valueDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    /** The values of reading {@code seq}: they move, so no run of identical inputs forms. */
    private static List<Float> values(long seq) {
        return List.of((float) (seq % 7), (float) (seq * 3 % 5));
    }

    private void reading(String device, long seq) {
        Instant at = Instant.ofEpochSecond(seq);
        readings.pipeInput(device, SensorReading.newBuilder().setDeviceId(device).setSeq(seq).setTimestamp(at)
                .setValues(values(seq)).setQuality(Quality.GOOD).build(), at);
    }

    /** A healthy board's report of the window of {@code model} ending at {@code seq}: what the reference computes. */
    private void report(String device, long seq, ReferenceModel model) {
        byte[] window = new byte[model.timeSteps() * CHANNELS];
        InputQuantizer quantizer = new InputQuantizer(new Normalization.None(), model.inputScale(),
                model.inputZeroPoint());
        for (int t = 0; t < model.timeSteps(); t++) {
            quantizer.quantizeRow(values(seq - model.timeSteps() + 1 + t), window, t * CHANNELS);
        }
        Instant at = Instant.ofEpochSecond(seq).plusMillis(1);
        boards.pipeInput(device, BoardInference.newBuilder().setDeviceId(device).setTimestamp(at)
                .setInferenceCount(seq).setWindowEndSeq(seq).setInputCrc32(InputQuantizer.crc32(window))
                .setNetOut(ByteBuffer.wrap(model.newRunners().newRunner().run(window, -1)))
                .setModelId(model.modelId()).build(), at);
    }

    @Test
    void eachDeviceRunsTheModelTheConfigGivesItByNamePatternOrDefault() {
        start(false);
        for (long seq = 1; seq <= 5; seq++) {
            for (String device : List.of("dev-b", "line2-7", "line3-1")) {
                reading(device, seq);
            }
        }
        Map<String, List<String>> models = predictions.readValuesToList().stream().collect(
                java.util.stream.Collectors.groupingBy(Prediction::getDeviceId, java.util.stream.Collectors.mapping(
                        p -> p.getWindowEndSeq() + ":" + p.getModelId().charAt(0), java.util.stream.Collectors.toList())));
        assertThat(models).containsOnly(Map.entry("dev-b", List.of("3:b", "4:b", "5:b")),
                Map.entry("line2-7", List.of("3:b", "4:b", "5:b")),
                Map.entry("line3-1", List.of("4:a", "5:a")));
        assertThat(health.readValuesToList()).extracting(DeviceHealth::getDeviceId, DeviceHealth::getModelId)
                .contains(org.assertj.core.groups.Tuple.tuple("dev-b", B),
                        org.assertj.core.groups.Tuple.tuple("line3-1", A));
    }

    /**
     * The board is flashed with B while A's output is stuck, and its first report of B (window 13) reaches the task
     * before reading 13: the device moves at reading 13, whose window is B's first, filled from the readings held
     * (B takes 3, A 4). A's alarm ends at the cut, every later comparison is of B against B, and nothing is raised.
     * A report of A arriving late is not compared.
     */
    @Test
    void aBoardReportingAnotherModelMovesItsDeviceAtTheWindowItReports() {
        start(true);
        for (long seq = 1; seq <= 12; seq++) {
            reading("d", seq);
            if (seq >= 4) {
                report("d", seq, modelA);
            }
        }
        List<Alert> beforeCut = alerts.readValuesToList();
        assertThat(beforeCut).extracting(Alert::getKind, Alert::getState)
                .contains(org.assertj.core.groups.Tuple.tuple(AlertKind.STUCK_OUTPUT, AlertState.RAISED));
        assertThat(comparisons.readValuesToList()).allSatisfy(c -> assertThat(c.getModelId()).isEqualTo(A));
        predictions.readValuesToList();
        health.readValuesToList();

        report("d", 13, modelB);
        assertThat(alerts.readValuesToList()).as("nothing moves before reading 13").isEmpty();
        reading("d", 13);
        List<Alert> atCut = alerts.readValuesToList();
        long openBefore = beforeCut.stream().filter(a -> a.getState() == AlertState.RAISED).count()
                - beforeCut.stream().filter(a -> a.getState() == AlertState.CLEARED).count();
        assertThat(atCut).hasSize((int) openBefore).allSatisfy(a -> assertThat(a.getState())
                .isEqualTo(AlertState.CLEARED));
        assertThat(health.readValuesToList()).extracting(DeviceHealth::getModelId).contains(B);

        report("d", 12, modelA);
        for (long seq = 14; seq <= 30; seq++) {
            reading("d", seq);
            report("d", seq, modelB);
        }
        List<Prediction> after = predictions.readValuesToList();
        assertThat(after).extracting(Prediction::getWindowEndSeq).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(13, 30).boxed().toList());
        assertThat(after).allSatisfy(p -> assertThat(p.getModelId()).isEqualTo(B));
        assertThat(comparisons.readValuesToList()).hasSize(18).allSatisfy(c -> {
            assertThat(c.getModelId()).isEqualTo(B);
            assertThat(c.getInputMatch()).isTrue();
            assertThat(c.getMaxAbsDiffLsb()).isZero();
        });
        assertThat(alerts.readValuesToList()).isEmpty();
        assertThat(counters.snapshot()).containsEntry("device_model_changes", 1L)
                .containsEntry("board_reports_other_model", 1L);
    }

    /**
     * The board's first report of B (window 14) reaches the task after reading 14: window 14 was A's, and the device
     * moves at once, its B window filled from the readings held, so B predicts from reading 15 on. Whatever the
     * order, each window has one prediction, the model changes once, and no comparison fails.
     */
    @Test
    void aReportOfTheNewModelThatComesAfterItsReadingMovesTheDeviceAtOnce() {
        start(false);
        for (long seq = 1; seq <= 14; seq++) {
            reading("d", seq);
            if (seq >= 4 && seq <= 10) {
                report("d", seq, modelA);
            }
        }
        report("d", 14, modelB);
        for (long seq = 15; seq <= 30; seq++) {
            reading("d", seq);
            report("d", seq, modelB);
        }
        List<Prediction> all = predictions.readValuesToList();
        assertThat(all).extracting(Prediction::getWindowEndSeq).doesNotHaveDuplicates();
        assertThat(all).filteredOn(p -> p.getModelId().equals(A)).extracting(Prediction::getWindowEndSeq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(4, 14).boxed().toList());
        assertThat(all).filteredOn(p -> p.getModelId().equals(B)).extracting(Prediction::getWindowEndSeq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(15, 30).boxed().toList());
        assertThat(comparisons.readValuesToList()).allSatisfy(c -> {
            assertThat(c.getInputMatch()).as("window %d", c.getWindowEndSeq()).isTrue();
            assertThat(c.getMaxAbsDiffLsb()).isZero();
        }).filteredOn(c -> c.getModelId().equals(B)).hasSize(16);
        assertThat(alerts.readValuesToList()).isEmpty();
    }

    /** A model that takes the same quantized input keeps the device's window: its first prediction is the next. */
    @Test
    void aModelOfTheSameInputTakesOverTheWindowWithoutAGap() {
        start(false);
        for (long seq = 1; seq <= 10; seq++) {
            reading("d", seq);
            if (seq >= 4) {
                report("d", seq, modelA);
            }
        }
        report("d", 10, modelC);
        for (long seq = 11; seq <= 20; seq++) {
            reading("d", seq);
            report("d", seq, modelC);
        }
        List<Prediction> all = predictions.readValuesToList();
        assertThat(all).extracting(p -> p.getWindowEndSeq() + ":" + p.getModelId().charAt(0)).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(4, 20).mapToObj(seq -> seq + (seq <= 10 ? ":a" : ":c"))
                        .toList());
        assertThat(comparisons.readValuesToList()).filteredOn(c -> c.getModelId().equals(C)).hasSize(10)
                .allSatisfy(c -> assertThat(c.getMaxAbsDiffLsb()).isZero());
        assertThat(alerts.readValuesToList()).isEmpty();
    }

    /** A board that reports a model the application does not run keeps its device on the configured model. */
    @Test
    void aReportOfAModelNotRunHereIsCountedAndNotCompared() {
        start(false);
        for (long seq = 1; seq <= 8; seq++) {
            reading("d", seq);
        }
        Instant at = Instant.ofEpochSecond(8).plusMillis(1);
        boards.pipeInput("d", BoardInference.newBuilder().setDeviceId("d").setTimestamp(at).setInferenceCount(8)
                .setWindowEndSeq(8L).setInputCrc32(0L).setNetOut(ByteBuffer.wrap(new byte[] {5, 5}))
                .setModelId("f".repeat(64)).build(), at);
        reading("d", 9);
        assertThat(predictions.readValuesToList()).allSatisfy(p -> assertThat(p.getModelId()).isEqualTo(A));
        assertThat(comparisons.readValuesToList()).isEmpty();
        assertThat(alerts.readValuesToList()).isEmpty();
        assertThat(counters.snapshot()).containsEntry("board_reports_unknown_model", 1L)
                .containsEntry("device_model_changes", 0L);
    }
}

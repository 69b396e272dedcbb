package io.flatline.streams.topology;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import io.flatline.model.arith.Arithmetic;
import io.flatline.schemas.Alert;
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
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.config.ModelSpec;
import io.flatline.streams.detect.RunDetector;
import io.flatline.streams.quantize.Normalization;
import io.flatline.streams.window.WindowPolicy;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Flatline's topology in a {@link TopologyTestDriver}, configured as the application runs it (exactly-once, a
 * processing error sent to the dead-letter topic and skipped), on {@link WindowSumModel} with windows of
 * {@link #SIZE} readings of {@link #CHANNELS} channels, every output topic read back as it is written.
 */
final class TopologyRig implements AutoCloseable {

    static final int SIZE = 4;
    static final int CHANNELS = 2;
    static final String DEAD_LETTERS = "dead-letters";

    final Topics topics = Topics.defaults();
    final WindowSumModel model;
    final PipelineCounters counters = new PipelineCounters();
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, SensorReading> readings;
    private final TestInputTopic<String, BoardInference> boards;
    private final TestOutputTopic<String, Prediction> predictions;
    private final TestOutputTopic<String, Alert> alerts;
    private final TestOutputTopic<String, BoardComparison> comparisons;
    private final TestOutputTopic<String, DeviceHealth> health;
    private final TestOutputTopic<byte[], byte[]> deadLetters;

    /** Stuck after 5 windows over 3 inputs, stale after 5 readings, divergent after 3; alarms clear after 4. */
    TopologyRig(Path stateDir, boolean frozenModel) {
        this(stateDir, frozenModel, WindowPolicy.DEFAULT_IDLE_EVICTION);
    }

    TopologyRig(Path stateDir, boolean frozenModel, Duration idleEviction) {
        ModelConfig config = ModelConfig.single(ModelSpec.single(Path.of("test.tflite"), Arithmetic.LITERT, List.of("a", "b"), new Normalization.None(), new WindowPolicy(SIZE, 1, WindowPolicy.GapPolicy.RESET,
                WindowPolicy.BadQualityPolicy.SKIP, idleEviction)),
                new RunDetector.Settings(5, 3, 5), new ModelConfig.Comparison(1, 3, 100, 50), new AlarmSettings(4, Duration.ZERO));
        Properties props = new StreamsSettings(Path.of("flatline.yaml"), "unused:9092",
                Map.of(StreamsSettings.DEAD_LETTER_TOPIC, DEAD_LETTERS), Optional.empty()).streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class.getName());
        model = new WindowSumModel(SIZE, CHANNELS, frozenModel);
        driver = new TopologyTestDriver(new FlatlineTopology(topics, config, model, counters).build(), props);
        readings = input(topics.sensorReadings());
        boards = input(topics.boardInferences());
        predictions = output(topics.predictions());
        alerts = output(topics.alerts());
        comparisons = output(topics.boardComparisons());
        health = output(topics.deviceHealth());
        deadLetters = driver.createOutputTopic(DEAD_LETTERS, Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> t) {
        return driver.createInputTopic(t.name(), t.keySerializer(), t.valueSerializer());
    }

    private <V> TestOutputTopic<String, V> output(Topic<String, V> t) {
        return driver.createOutputTopic(t.name(), t.keyDeserializer(), t.valueDeserializer());
    }

    /** A reading timestamped {@code seq} seconds after the epoch (the record's and the reading's time). */
    void reading(String device, long seq, float a, float b) {
        readingAt(device, seq, a, b, Instant.ofEpochSecond(seq));
    }

    void readingAt(String device, long seq, float a, float b, Instant at) {
        readings.pipeInput(device, SensorReading.newBuilder().setDeviceId(device).setSeq(seq).setTimestamp(at)
                .setValues(List.of(a, b)).setQuality(Quality.GOOD).build(), at);
    }

    /** The device's tombstone in the readings topic: it is retired. */
    void retire(String device, Instant at) {
        readings.pipeInput(device, null, at);
    }

    /** The board's report of the window ending at {@code seq}, stamped at {@code at}. */
    void board(String device, long seq, long crc, byte[] out, Instant at) {
        boards.pipeInput(device, BoardInference.newBuilder().setDeviceId(device).setTimestamp(at)
                .setInferenceCount(seq).setWindowEndSeq(seq).setInputCrc32(crc).setNetOut(ByteBuffer.wrap(out))
                .build(), at);
    }

    /** The predictions written since last asked. */
    List<Prediction> predictions() {
        return predictions.readValuesToList();
    }

    /** Everything written since last asked, each output as its key, type and value, in the order written. */
    List<String> outputs() {
        List<String> out = new ArrayList<>();
        predictions.readKeyValuesToList().forEach(kv -> out.add(kv.key + " " + kv.value));
        alerts.readKeyValuesToList().forEach(kv -> out.add(kv.key + " " + kv.value));
        comparisons.readKeyValuesToList().forEach(kv -> out.add(kv.key + " " + kv.value));
        health.readKeyValuesToList().forEach(kv -> out.add(kv.key + " " + kv.value));
        return out;
    }

    List<Alert> alerts() {
        return alerts.readValuesToList();
    }

    List<DeviceHealth> health() {
        return health.readValuesToList();
    }

    List<BoardComparison> comparisons() {
        return comparisons.readValuesToList();
    }

    /** The dead-letter topic's records since last asked: their headers. */
    List<Headers> deadLetters() {
        return deadLetters.readRecordsToList().stream().map(r -> r.headers()).toList();
    }

    <V> KeyValueStore<String, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    /** Every key of every store of the topology, as {@code store/key}. */
    List<String> storedKeys() {
        List<String> keys = new ArrayList<>();
        for (String name : List.of(StoreNames.WINDOWS, StoreNames.REFERENCE_CHUNKS, StoreNames.BOARDS,
                StoreNames.ALARMS, StoreNames.HEALTH)) {
            try (KeyValueIterator<String, Object> all = driver.<String, Object>getKeyValueStore(name).all()) {
                all.forEachRemaining((KeyValue<String, Object> kv) -> keys.add(name + "/" + kv.key));
            }
        }
        return keys;
    }

    @Override
    public void close() {
        driver.close();
    }
}

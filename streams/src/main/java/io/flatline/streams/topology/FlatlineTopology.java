package io.flatline.streams.topology;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.flatline.schemas.Alert;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.compare.BoardMonitor;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.ReferenceModel;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Flatline's topology: readings are windowed and run through the reference; the reference's predictions,
 * its alerts and the boards' own inferences meet in the monitor, which compares, diagnoses and keeps each
 * device's health.
 *
 * <pre>
 *   sensor-readings ─▶ infer ─┬─▶ predictions
 *                             └─▶ ┐
 *   board-inferences ───────────▶ monitor ─▶ board-comparisons, alerts, device-health
 * </pre>
 *
 * The two input topics must have the same number of partitions: a device's readings and its board's
 * inferences meet in one task.
 */
public final class FlatlineTopology {

    private final Topics topics;
    private final ModelConfig config;
    private final ReferenceModel model;
    private final PipelineCounters counters;
    private final Optional<Instant> inputUntil;

    public FlatlineTopology(Topics topics, ModelConfig config, ReferenceModel model, PipelineCounters counters) {
        this(topics, config, model, counters, Optional.empty());
    }

    /** @param inputUntil input records timestamped after this are left out, as a replay of a past period wants */
    public FlatlineTopology(Topics topics, ModelConfig config, ReferenceModel model, PipelineCounters counters,
                            Optional<Instant> inputUntil) {
        this.topics = topics;
        this.config = config;
        this.model = model;
        this.counters = counters;
        this.inputUntil = inputUntil;
    }

    public Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        addStores(builder);
        KStream<String, SpecificRecord> inferred = infer(readings(builder));
        Map<String, KStream<String, SpecificRecord>> byType = splitByType(inferred, "inferred-");
        KStream<String, SpecificRecord> predictions = byType.get("inferred-" + Prediction.class.getSimpleName());
        predictions.mapValues(v -> (Prediction) v, Named.as("as-prediction")).to(topics.predictions().name(),
                produced(topics.predictions()));
        KStream<String, SpecificRecord> monitored = monitor(predictions
                .merge(byType.get("inferred-" + Alert.class.getSimpleName()), Named.as("with-reference-alerts"))
                .merge(boardInferences(builder), Named.as("with-board-inferences")));
        Map<String, KStream<String, SpecificRecord>> outputs = splitByType(monitored, "monitored-");
        to(outputs.get("monitored-" + BoardComparison.class.getSimpleName()), topics.boardComparisons());
        to(outputs.get("monitored-" + Alert.class.getSimpleName()), topics.alerts());
        to(outputs.get("monitored-" + DeviceHealth.class.getSimpleName()), topics.deviceHealth());
        return builder.build();
    }

    private KStream<String, SensorReading> readings(StreamsBuilder builder) {
        Topic<String, SensorReading> topic = topics.sensorReadings();
        return untilBound(builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde())
                .withName("read-sensor-readings")), "readings");
    }

    private KStream<String, SpecificRecord> boardInferences(StreamsBuilder builder) {
        Topic<String, BoardInference> topic = topics.boardInferences();
        return untilBound(builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde())
                .withName("read-board-inferences")), "board-inferences")
                .mapValues(v -> (SpecificRecord) v, Named.as("board-inference-as-record"));
    }

    /** Leaves out input records timestamped after the bound, when there is one. */
    private <V> KStream<String, V> untilBound(KStream<String, V> stream, String what) {
        if (inputUntil.isEmpty()) {
            return stream;
        }
        long until = inputUntil.get().toEpochMilli();
        return stream.processValues(() -> new FixedKeyProcessor<String, V, V>() {
            private FixedKeyProcessorContext<String, V> context;

            @Override
            public void init(FixedKeyProcessorContext<String, V> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<String, V> record) {
                if (record.timestamp() <= until) {
                    context.forward(record);
                }
            }
        }, Named.as(what + "-until"));
    }

    private KStream<String, SpecificRecord> infer(KStream<String, SensorReading> readings) {
        return readings.process(() -> new InferenceProcessor(config, model, counters), Named.as("infer"),
                StoreNames.WINDOWS);
    }

    private KStream<String, SpecificRecord> monitor(KStream<String, SpecificRecord> events) {
        BoardMonitor.Settings settings = new BoardMonitor.Settings(config.detector(),
                config.comparison().toleranceLsb(), config.comparison().divergenceRun(),
                config.comparison().summaryWindows(), config.comparison().retentionWindows(),
                config.comparison().retentionWindows());
        return events.process(() -> new MonitorProcessor(settings, model.outputs(), counters), Named.as("monitor"),
                StoreNames.REFERENCE_CHUNKS, StoreNames.BOARDS, StoreNames.HEALTH);
    }

    private static Map<String, KStream<String, SpecificRecord>> splitByType(KStream<String, SpecificRecord> stream,
                                                                           String prefix) {
        var split = stream.split(Named.as(prefix));
        for (Class<?> type : new Class<?>[] {Prediction.class, Alert.class, BoardComparison.class, DeviceHealth.class}) {
            split = split.branch((k, v) -> type.isInstance(v), Branched.as(type.getSimpleName()));
        }
        return split.noDefaultBranch();
    }

    @SuppressWarnings("unchecked")
    private static <V extends SpecificRecord> void to(KStream<String, SpecificRecord> stream, Topic<String, V> topic) {
        stream.mapValues(v -> (V) v, Named.as("as-" + topic.id())).to(topic.name(), produced(topic));
    }

    private static <V> Produced<String, V> produced(Topic<String, V> topic) {
        return Produced.with(topic.keySerde(), topic.valueSerde()).withName("write-" + topic.id());
    }

    private void addStores(StreamsBuilder builder) {
        builder.addStateStore(CommitBufferedStore.around(store(StoreNames.WINDOWS, StoreSerdes.referenceState())));
        builder.addStateStore(CommitBufferedStore.around(store(StoreNames.REFERENCE_CHUNKS,
                StoreSerdes.referenceChunk())));
        builder.addStateStore(CommitBufferedStore.around(store(StoreNames.BOARDS, JsonSerde.of(BoardMonitor.State.class))));
        builder.addStateStore(store(StoreNames.HEALTH, topics.deviceHealth().valueSerde()));
    }

    /**
     * A persistent store, changelogged. The windows store, written on every reading, and the boards store,
     * written on every board inference, hold their values until each commit ({@link CommitBufferedStore}): each
     * device's latest value goes to RocksDB and the changelog once per commit instead of once per record (a
     * board's state, with its agreement window, serialized on every inference was more than half of the stream
     * thread's time with every board reporting), and so does the store of reference windows, whose chunk of 50
     * windows is put again with every window ({@link ReferenceWindows}). Health is written only when it is
     * published.
     */
    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> valueSerde) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), valueSerde);
    }
}

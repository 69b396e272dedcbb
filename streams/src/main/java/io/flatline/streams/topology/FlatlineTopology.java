package io.flatline.streams.topology;

import java.util.function.LongPredicate;

import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.alarm.DeviceAlarms;
import io.flatline.streams.compare.BoardMonitor;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.FleetModels;
import io.flatline.streams.infer.ReferenceModel;
import io.flatline.schemas.serde.FlatlineSerdes;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Flatline's topology: readings are windowed and run through the reference; the reference's predictions and
 * alerts are written, and meet the boards' own inferences in the monitor, which compares, diagnoses and keeps
 * each device's health.
 *
 * <pre>
 *   sensor-readings ──▶ infer ─┬─────────────────────────▶ write ─▶ predictions
 *   board-inferences ───▲      └─▶ monitor ─▶ write ─▶ board-comparisons, alerts, device-health
 * </pre>
 *
 * A board's inferences pass through {@code infer}, which moves a device to the model its board reports before the
 * monitor compares the report ({@link InferenceProcessor}).
 *
 * Written with the Processor API: every node a record passes costs Kafka Streams' per-node work, and the DSL's
 * split by type, casts and merges put seven between a reading and its prediction's topic; here there are two.
 * One sink writes every output, to the topic of its type ({@link OutputRouting}). The two input topics must have
 * the same number of partitions: a device's readings and its board's inferences meet in one task.
 */
public final class FlatlineTopology {

    private static final String READINGS = "read-sensor-readings";
    private static final String BOARD_INFERENCES = "read-board-inferences";
    private static final String INFER = "infer";
    static final String MONITOR = "monitor";
    static final String WRITE = "write";

    private final Topics topics;
    private final FleetModels models;
    private final ModelConfig config;
    private final PipelineCounters counters;
    private final Period period;

    /** A fleet of one model. */
    public FlatlineTopology(Topics topics, ModelConfig config, ReferenceModel model, PipelineCounters counters) {
        this(topics, FleetModels.of(config, model), counters, Period.ALL);
    }

    /** @param period what a replay of a past period writes; the live application's is {@link Period#ALL} */
    public FlatlineTopology(Topics topics, FleetModels models, PipelineCounters counters, Period period) {
        this.topics = topics;
        this.models = models;
        this.config = models.config();
        this.counters = counters;
        this.period = period;
    }

    public Topology build() {
        Topology topology = new Topology();
        String readings = source(topology, READINGS, topics.sensorReadings());
        String boardInferences = source(topology, BOARD_INFERENCES, topics.boardInferences());
        topology.addProcessor(INFER, () -> new InferenceProcessor(models, counters), readings, boardInferences);
        topology.addProcessor(MONITOR, this::monitor, INFER);
        OutputRouting routing = new OutputRouting(topics);
        if (period.from().isEmpty()) {
            topology.addSink(WRITE, routing, Serdes.String().serializer(), routing, INFER, MONITOR);
        } else {
            // The processors forward to WRITE by name: the filter takes that name, the sink goes behind it.
            long from = period.from().get().toEpochMilli();
            topology.addProcessor(WRITE, () -> new TimeBound<>(t -> t >= from), INFER, MONITOR);
            topology.addSink(WRITE + "-since", routing, Serdes.String().serializer(), routing, WRITE);
        }
        addStores(topology);
        return topology;
    }

    /** Forwards the records whose timestamp the bound accepts: a replay's period, at either end. */
    private static final class TimeBound<V> implements Processor<String, V, String, V> {
        private final LongPredicate accepts;
        private ProcessorContext<String, V> context;

        TimeBound(LongPredicate accepts) {
            this.accepts = accepts;
        }

        @Override
        public void init(ProcessorContext<String, V> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, V> record) {
            if (accepts.test(record.timestamp())) {
                context.forward(record);
            }
        }
    }

    /** A source of the topic, behind a filter of the input's time bound when there is one; returns its node. */
    private <V> String source(Topology topology, String name, Topic<String, V> topic) {
        topology.addSource(name, topic.keyDeserializer(), topic.valueDeserializer(), topic.name());
        if (period.until().isEmpty()) {
            return name;
        }
        long until = period.until().get().toEpochMilli();
        String bounded = name + "-until";
        topology.addProcessor(bounded, () -> new TimeBound<V>(t -> t <= until), name);
        return bounded;
    }

    private MonitorProcessor monitor() {
        BoardMonitor.Settings settings = new BoardMonitor.Settings(config.detector(),
                config.comparison().toleranceLsb(), config.comparison().divergenceRun(),
                config.comparison().summaryWindows(), config.comparison().retentionWindows(),
                config.comparison().retentionWindows());
        return new MonitorProcessor(settings, config.alarm(), models, config.window().idleEviction(), counters);
    }

    private void addStores(Topology topology) {
        topology.addStateStore(CommitBufferedStore.around(store(StoreNames.WINDOWS, StoreSerdes.referenceState())),
                INFER);
        topology.addStateStore(CommitBufferedStore.around(store(StoreNames.REFERENCE_CHUNKS,
                StoreSerdes.referenceChunk())), MONITOR);
        topology.addStateStore(CommitBufferedStore.around(store(StoreNames.BOARDS,
                JsonSerde.of(BoardMonitor.State.class))), MONITOR);
        topology.addStateStore(CommitBufferedStore.around(store(StoreNames.ALARMS,
                JsonSerde.of(DeviceAlarms.class))), MONITOR);
        // Internal state, read by nobody else: single-object encoding, so it needs no schema registry whatever
        // the topics' wire format (its changelog would otherwise register a subject of its own).
        topology.addStateStore(store(StoreNames.HEALTH, FlatlineSerdes.deviceHealth()), MONITOR);
    }

    /**
     * A persistent store, changelogged. The windows store, written on every reading, and the boards store,
     * written on every board inference, hold their values until each commit ({@link CommitBufferedStore}): each
     * device's latest value goes to RocksDB and the changelog once per commit instead of once per record (a
     * board's state, with its agreement window, serialized on every inference was more than half of the stream
     * thread's time with every board reporting), and so does the store of reference windows, whose chunk of 50
     * windows is put again with every window ({@link ReferenceWindows}). Health is written far less often: on
     * alerts and when it is published (a change that matters, or every 50 windows).
     */
    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> valueSerde) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), valueSerde);
    }
}

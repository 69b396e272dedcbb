package io.flatline.deploy.scenario;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.flatline.deploy.scenario.ScenarioReport.Alarm;
import io.flatline.model.engine.Model;
import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.simulator.fleet.BoardFirmware;
import io.flatline.simulator.fleet.BoardModel;
import io.flatline.simulator.fleet.Fault;
import io.flatline.streams.app.StreamsSettings;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.EngineReferenceModel;
import io.flatline.streams.topology.FlatlineTopology;
import io.flatline.streams.topology.PipelineCounters;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Runs a {@link ScenarioPlan} through the real topology in Kafka Streams' test driver, faster than real time
 * and without a clock: every board's firmware takes one sample per poll, the boards poll in lockstep, and each
 * board's reading and report are piped as its {@link Courier} says. The boards running the saturated model go
 * to a topology of their own, whose reference runs that model, as in the demo's {@code flatline.saturated}
 * pipeline.
 *
 * <p>The test driver commits after every record, which makes a window cost about a millisecond: the boards are
 * shared out between shards, one per processor, each with its own drivers on its own thread. A device's state
 * is its own in a topology, so how the boards are shared out changes nothing: same plan, same alarms.
 */
final class ScenarioSuite {

    /** What the boards run, and their references: the demo's trained models, as `flatline demo` runs them. */
    private static final BoardModel HEALTHY = demoModel("demo.yaml");
    private static final BoardModel SATURATED = demoModel("saturated.yaml");
    private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
    private static final Topics TOPICS = Topics.defaults();

    private ScenarioSuite() {
    }

    private static BoardModel demoModel(String config) {
        try {
            Path dir = java.nio.file.Files.createTempDirectory("flatline-scenario-model");
            return BoardModel.ofConfig(BoardModel.extractDemoConfig(config, dir).orElseThrow(() ->
                    new IllegalStateException("The demo model " + config + " is not on the classpath")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private record Board(ScenarioBoard plan, BoardFirmware firmware, Courier courier, Reference reference) {
    }

    /** Runs the plan, with the topologies' state under {@code dir}. */
    static ScenarioReport run(ScenarioPlan plan, Path dir) {
        int shards = Math.min(Runtime.getRuntime().availableProcessors(), plan.boards().size());
        List<List<ScenarioBoard>> shared = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            shared.add(new ArrayList<>());
        }
        for (int i = 0; i < plan.boards().size(); i++) {
            shared.get(i % shards).add(plan.boards().get(i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(shards);
        try {
            List<Future<List<Alarm>>> running = new ArrayList<>();
            for (int i = 0; i < shards; i++) {
                List<ScenarioBoard> boards = shared.get(i);
                Path shardDir = dir.resolve("shard-" + i);
                running.add(pool.submit(() -> runShard(boards, plan.windows(), shardDir)));
            }
            List<Alarm> alarms = new ArrayList<>();
            for (Future<List<Alarm>> shard : running) {
                alarms.addAll(shard.get());
            }
            return ScenarioReport.of(plan, HEALTHY.load().input().shape().get(1), alarms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the scenario ran", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("A shard of the scenario failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Polls {@code boards} {@code windows} times; returns the alarms they raised, each board's in order. */
    private static List<Alarm> runShard(List<ScenarioBoard> boards, long windows, Path dir) {
        Map<BoardModel, Reference> references = new LinkedHashMap<>();
        try {
            List<Board> polled = boards.stream().map(b -> {
                Reference reference = references.computeIfAbsent(b.saturated() ? SATURATED : HEALTHY,
                        m -> new Reference(m, dir.resolve(m.name())));
                return new Board(b, new BoardFirmware(reference.runs, reference.model, b.seed(), b.firmware(),
                        Fault.Timing.DEFAULT.zeroPointShift()), new Courier(b), reference);
            }).toList();
            List<Alarm> alarms = new ArrayList<>();
            for (long window = 1; window <= windows; window++) {
                Instant at = START.plus(ScenarioReport.POLL.multipliedBy(window));
                for (Board board : polled) {
                    poll(board, window, at);
                }
                for (Reference reference : references.values()) {
                    reference.drain(window, alarms);
                }
            }
            return alarms;
        } finally {
            references.values().forEach(Reference::close);
        }
    }

    /** One poll of one board: the sample it takes and the inference it completes, as ingest would publish them. */
    private static void poll(Board board, long window, Instant at) {
        String id = board.plan().id();
        BoardFirmware.Acquisition acquired = board.firmware().step();
        float[] sample = acquired.values();
        List<Float> values = new ArrayList<>(sample.length);
        for (float v : sample) {
            values.add(v);
        }
        SensorReading reading = SensorReading.newBuilder().setDeviceId(id).setSeq(window).setTimestamp(at)
                .setValues(values).setQuality(Quality.GOOD).build();
        BoardInference report = acquired.report().map(r -> BoardInference.newBuilder().setDeviceId(id)
                .setTimestamp(at).setInferenceCount(r.counter()).setWindowEndSeq(window)
                .setInputCrc32(r.inputCrc32()).setNetOut(ByteBuffer.wrap(r.netOut())).build()).orElse(null);
        for (SpecificRecord record : board.courier().deliver(window, reading, report)) {
            board.reference().pipe(id, record);
        }
    }

    /** One topology instance in a test driver, its reference running the model its boards run. */
    private static final class Reference implements AutoCloseable {
        private final BoardModel runs;
        private final Model model;
        private final TopologyTestDriver driver;
        private final TestInputTopic<String, SensorReading> readings;
        private final TestInputTopic<String, BoardInference> reports;
        private final TestOutputTopic<String, Alert> alerts;
        /**
         * What the suite does not look at (predictions, comparisons, health, the stores' changelogs), read only
         * so that the driver, which keeps every record it is given, does not.
         */
        private final Map<String, TestOutputTopic<byte[], byte[]>> ignored = new HashMap<>();

        Reference(BoardModel runs, Path dir) {
            this.runs = runs;
            this.model = runs.load();
            Path configFile = runs.writeModelConfig(dir, "model", BoardModel.regimeLabels());
            ModelConfig config = ModelConfig.load(configFile);
            Properties props = new StreamsSettings(configFile, "unused:9092", Map.of(), Optional.empty())
                    .streamsProperties();
            props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
            this.driver = new TopologyTestDriver(new FlatlineTopology(TOPICS, config,
                    EngineReferenceModel.load(config.defaultModel()), new PipelineCounters()).build(), props);
            this.readings = input(TOPICS.sensorReadings());
            this.reports = input(TOPICS.boardInferences());
            this.alerts = driver.createOutputTopic(TOPICS.alerts().name(), TOPICS.alerts().keyDeserializer(),
                    TOPICS.alerts().valueDeserializer());
        }

        private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
            return driver.createInputTopic(topic.name(), topic.keySerializer(), topic.valueSerializer());
        }

        void pipe(String device, SpecificRecord record) {
            if (record instanceof SensorReading reading) {
                readings.pipeInput(device, reading, reading.getTimestamp());
            } else {
                BoardInference report = (BoardInference) record;
                reports.pipeInput(device, report, report.getTimestamp());
            }
        }

        /** Takes the alert edges put out during poll {@code window}; drops every other output. */
        void drain(long window, List<Alarm> alarms) {
            for (Alert alert : alerts.readValuesToList()) {
                alarms.add(new Alarm(alert.getDeviceId(), window, alert.getKind(), alert.getSource(),
                        Finding.of(alert), alert.getFirstOut(), alert.getState() == AlertState.RAISED));
            }
            for (String topic : driver.producedTopicNames()) {
                if (!topic.equals(TOPICS.alerts().name())) {
                    ignored.computeIfAbsent(topic, t -> driver.createOutputTopic(t, new ByteArrayDeserializer(),
                            new ByteArrayDeserializer())).readValuesToList();
                }
            }
        }

        @Override
        public void close() {
            driver.close();
        }
    }
}

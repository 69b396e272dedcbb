package io.flatline.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.flatline.broker.KafkaCluster;
import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Model;
import io.flatline.model.tflite.SeedModels;
import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.TopicProvisioner;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.EngineReferenceModel;
import io.flatline.streams.quantize.InputQuantizer;
import io.flatline.streams.quantize.Normalization;
import io.flatline.streams.topology.ComparedWindows;
import io.flatline.streams.topology.ComparedWindows.Compared;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through a real broker: a board inference is compared with the same reference window, with the same
 * {@code inputMatch}, whatever order its device's readings and the board's reports reach the Kafka Streams task.
 * Two healthy devices, 200 readings each; each board reports every window 50..200 with exactly the reference's
 * input CRC and output (computed here with the engine on the quantized windows, and checked against the
 * application's own predictions), so any {@code inputMatch=false}, difference or missing comparison is the
 * application's doing.
 *
 * <p>How the order is made: a task takes the next record from whichever of its two input partitions (readings,
 * reports) has the older head record, once it has fetched from both, and a producer's wall-clock timestamps give
 * many records the same millisecond. So every record here carries its own timestamp, one millisecond apart in
 * the order wanted, and every record of an order is produced before the application that reads it starts: the
 * task then sees exactly that order (for equal timestamps, the partition Kafka Streams picks goes first).
 * Each order runs in its own application (its own application id and topics) on the one shared broker.
 *
 * <p>The same orders, and more, go through the topology in {@code ArrivalOrderTopologyTest}.
 */
@ExtendWith(KafkaClusterExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArrivalOrderEndToEndTest {

    private static final int STEPS = StreamsFixture.STEPS;
    private static final int CHANNELS = StreamsFixture.CHANNELS;
    private static final int READINGS = 200;
    private static final int PARTITIONS = 3;
    private static final List<String> DEVICES = List.of("d1", "d2");
    private static final Set<AlertKind> FORBIDDEN = Set.of(AlertKind.INPUT_MISMATCH, AlertKind.BOARD_DIVERGENCE);

    @TempDir
    Path dir;

    private KafkaCluster kafka;
    private Admin admin;
    private final Map<String, List<SensorReading>> readings = new LinkedHashMap<>();
    /** The reference's window ending at each seq, by device: its input CRC and output. */
    private final Map<String, Map<Long, Window>> reference = new TreeMap<>();
    private final Map<String, Map<Long, BoardInference>> reports = new LinkedHashMap<>();
    /** Every comparison a perfect monitor makes: each report, equal inputs, equal outputs. */
    private final Map<String, Compared> ideal = new TreeMap<>();
    /** What each order gave, in the order the tests ran. */
    private final Map<String, ComparedWindows> byOrder = new LinkedHashMap<>();

    private record Window(long crc, byte[] netOut) {
    }

    /** One record to produce: a reading or a report, at a position in the order (its timestamp). */
    private record Send(String device, SensorReading reading, BoardInference report, long position) {
    }

    /** What the application wrote for one order. */
    private record Outcome(ComparedWindows comparisons, List<Alert> alerts, List<Prediction> predictions) {
    }

    @BeforeAll
    void readingsReportsAndTheirReference(KafkaCluster kafka) throws Exception {
        this.kafka = kafka;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        Model model = Model.load(SeedModels.bytes(SeedModels.Spec.fieldReport(1)));
        InputQuantizer quantizer = new InputQuantizer(new Normalization.None(), model.input().scale(),
                model.input().zeroPoint());
        Random random = new Random(20240611);
        for (String device : DEVICES) {
            List<SensorReading> list = new ArrayList<>();
            Map<Long, Window> windows = new TreeMap<>();
            Map<Long, BoardInference> boardReports = new TreeMap<>();
            byte[] window = new byte[STEPS * CHANNELS];
            for (long seq = 1; seq <= READINGS; seq++) {
                List<Float> values = new ArrayList<>();
                for (int c = 0; c < CHANNELS; c++) {
                    values.add((float) (random.nextGaussian() * 1.5));
                }
                Instant at = Instant.ofEpochMilli(1_000_000 + seq * 100);
                list.add(SensorReading.newBuilder().setDeviceId(device).setSeq(seq).setTimestamp(at).setValues(values)
                        .setQuality(Quality.GOOD).build());
                System.arraycopy(window, CHANNELS, window, 0, (STEPS - 1) * CHANNELS);
                System.arraycopy(quantizer.quantizeRow(values), 0, window, (STEPS - 1) * CHANNELS, CHANNELS);
                if (seq < STEPS) {
                    continue;
                }
                Window w = new Window(InputQuantizer.crc32(window), model.run(window, Arithmetic.LITERT));
                windows.put(seq, w);
                boardReports.put(seq, BoardInference.newBuilder().setDeviceId(device).setTimestamp(at.plusMillis(1))
                        .setInferenceCount(seq - STEPS + 1).setWindowEndSeq(seq).setInputCrc32(w.crc())
                        .setNetOut(ByteBuffer.wrap(w.netOut())).build());
                ideal.put(ComparedWindows.key(device, seq), Compared.exact(w.netOut()));
            }
            readings.put(device, list);
            reference.put(device, windows);
            reports.put(device, boardReports);
        }
        // The windows differ from one another: a CRC names one window.
        assertThat(reference.values().stream().flatMap(w -> w.values().stream()).map(Window::crc).distinct().count())
                .isEqualTo((long) DEVICES.size() * (READINGS - STEPS + 1));
    }

    @AfterAll
    void closeAdmin() {
        if (admin != null) {
            admin.close();
        }
    }

    // ---- the orders --------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void reportJustBeforeTheReadingThatCompletesItsWindow() throws Exception {
        check("1 report just before its reading", run("order1", reportsBeforeReadings(), null, null));
    }

    /** Equal timestamps leave it to Kafka Streams which of the two partitions goes first. */
    @Test
    @Order(2)
    void reportAndReadingWithTheSameTimestampReadingFirst() throws Exception {
        List<Send> order = new ArrayList<>();
        long position = 0;
        for (long seq = 1; seq <= READINGS; seq++) {
            for (String device : DEVICES) {
                SensorReading reading = reading(device, seq);
                order.add(new Send(device, reading, null, position));
                if (seq >= STEPS) {
                    BoardInference report = BoardInference.newBuilder(report(device, seq))
                            .setTimestamp(reading.getTimestamp()).build();
                    order.add(new Send(device, null, report, position));
                }
                position++;
            }
        }
        check("2 same timestamp, reading first", run("order2", order, null, null));
    }

    /** The natural order: window 50's prediction comes before the board's first report. */
    @Test
    @Order(3)
    void reportJustAfterItsReading() throws Exception {
        List<Send> order = new ArrayList<>();
        for (long seq = 1; seq <= READINGS; seq++) {
            for (String device : DEVICES) {
                order.add(new Send(device, reading(device, seq), null, order.size()));
                if (seq >= STEPS) {
                    order.add(new Send(device, null, report(device, seq), order.size()));
                }
            }
        }
        check("3 report just after its reading", run("order3", order, null, null));
    }

    /** Within the retention (151 windows a device, 500 kept), before any board has reported. */
    @Test
    @Order(4)
    void aBacklogOfReadingsThenEveryReport() throws Exception {
        List<Send> order = new ArrayList<>();
        addEveryReading(order);
        addEveryReport(order);
        check("4 backlog of readings, then every report", run("order4", order, null, null));
    }

    @Test
    @Order(5)
    void aBacklogOfReportsThenEveryReading() throws Exception {
        List<Send> order = new ArrayList<>();
        addEveryReport(order);
        addEveryReading(order);
        check("5 backlog of reports, then every reading", run("order5", order, null, null));
    }

    /** Every device's readings, seq by seq, after what {@code order} holds. */
    private void addEveryReading(List<Send> order) {
        for (long seq = 1; seq <= READINGS; seq++) {
            for (String device : DEVICES) {
                order.add(new Send(device, reading(device, seq), null, order.size()));
            }
        }
    }

    /** Every device's board reports, window by window, after what {@code order} holds. */
    private void addEveryReport(List<Send> order) {
        for (long seq = STEPS; seq <= READINGS; seq++) {
            for (String device : DEVICES) {
                order.add(new Send(device, null, report(device, seq), order.size()));
            }
        }
    }

    /** Order 1 with the application closed halfway, right after a report whose reading has not come yet. */
    @Test
    @Order(6)
    void restartedHalfwayOnItsOwnStateDirectory() throws Exception {
        List<Send> order = reportsBeforeReadings();
        int half = halfwayAfterAReport(order);
        check("6 restart, same state dir", run("order6", order.subList(0, half), order.subList(half, order.size()),
                "a"));
    }

    /** The same, the second instance on an empty state directory: its state comes back from the changelogs. */
    @Test
    @Order(7)
    void restartedHalfwayOnAnEmptyStateDirectory() throws Exception {
        List<Send> order = reportsBeforeReadings();
        int half = halfwayAfterAReport(order);
        check("7 restart, new state dir", run("order7", order.subList(0, half), order.subList(half, order.size()),
                "b"));
    }

    @Test
    @Order(100)
    void everyOrderGivesTheSameComparisons() {
        assertThat(byOrder).as("orders run").hasSizeGreaterThan(1);
        assertThat(ComparedWindows.differences(byOrder))
                .as("comparisons that differ from those of order \"%s\"", byOrder.keySet().iterator().next())
                .isEmpty();
    }

    private List<Send> reportsBeforeReadings() {
        List<Send> order = new ArrayList<>();
        for (long seq = 1; seq <= READINGS; seq++) {
            for (String device : DEVICES) {
                if (seq >= STEPS) {
                    order.add(new Send(device, null, report(device, seq), order.size()));
                }
                order.add(new Send(device, reading(device, seq), null, order.size()));
            }
        }
        return order;
    }

    /** About half of the order, ending on a report: the first instance leaves it waiting for its reading. */
    private static int halfwayAfterAReport(List<Send> order) {
        int half = order.size() / 2;
        while (order.get(half - 1).report() == null) {
            half++;
        }
        return half;
    }

    private SensorReading reading(String device, long seq) {
        return readings.get(device).get((int) seq - 1);
    }

    private BoardInference report(String device, long seq) {
        return reports.get(device).get(seq);
    }

    // ---- what every order must give ----------------------------------------------------------------------------

    private void check(String name, Outcome outcome) {
        byOrder.put(name, outcome.comparisons());

        // The reports are the reference's windows: the application's predictions are what was computed here.
        Map<String, Window> predicted = new TreeMap<>();
        for (Prediction p : outcome.predictions()) {
            predicted.put(ComparedWindows.key(p.getDeviceId(), p.getWindowEndSeq()),
                    new Window(p.getInputCrc32(), ComparedWindows.bytes(p.getNetOut())));
        }
        assertThat(outcome.predictions()).as("%s: predictions", name).hasSize(ideal.size());
        assertThat(predicted.keySet()).as("%s: windows predicted", name).isEqualTo(ideal.keySet());
        predicted.forEach((key, w) -> {
            int at = key.indexOf('@');
            Window computed = reference.get(key.substring(0, at)).get(Long.parseLong(key.substring(at + 1)));
            assertThat(w.crc()).as("%s: input CRC of %s", name, key).isEqualTo(computed.crc());
            assertThat(w.netOut()).as("%s: output of %s", name, key).containsExactly(computed.netOut());
        });

        assertThat(outcome.comparisons().duplicates()).as("%s: windows compared twice", name).isEmpty();
        assertThat(outcome.comparisons().unlike(ideal))
                .as("%s: comparisons other than (inputMatch=true, the window's output on both sides, 0 LSB)", name)
                .isEmpty();
        assertThat(outcome.alerts()).as("%s: alerts", name).filteredOn(a -> FORBIDDEN.contains(a.getKind()))
                .isEmpty();
        // Every device's reference windows are kept, its board's first report's too: none may be missed.
        assertThat(outcome.comparisons().missing(ideal))
                .as("%s: reports never compared", name).isEmpty();
    }

    // ---- one application per order -----------------------------------------------------------------------------

    /**
     * Produces {@code first}, runs an application over it until it has committed every input record, and closes
     * it; then, if there is a {@code second}, produces it and runs an instance with the same application id on
     * the state directory {@code secondState} ("a" is the first instance's). Returns all that was written.
     */
    private Outcome run(String name, List<Send> first, List<Send> second, String secondState) throws Exception {
        StreamsFixture fixture = new StreamsFixture(kafka, Files.createDirectories(dir.resolve(name)),
                StreamsFixture.defaultConfig());
        Topics topics = fixture.topics();
        TopicProvisioner.ensure(admin, topics.all(), List.of(fixture.properties.get(StreamsSettings.DEAD_LETTER_TOPIC)),
                PARTITIONS, (short) -1);
        // Recent enough for any retention, and 1 ms apart in the order: the timestamps are the order.
        long base = System.currentTimeMillis() - 600_000;
        produce(topics, first, base);
        process(fixture, topics, "a");
        if (second != null) {
            produce(topics, second, base);
            process(fixture, topics, secondState);
        }
        return new Outcome(ComparedWindows.of(readAll(topics.boardComparisons())), readAll(topics.alerts()),
                readAll(topics.predictions()));
    }

    /** Sends the records in their order, each with its timestamp, and fails unless every one was written. */
    private void produce(Topics topics, List<Send> order, long base) throws Exception {
        Topic<String, SensorReading> r = topics.sensorReadings();
        Topic<String, BoardInference> b = topics.boardInferences();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (var readingsOut = new KafkaProducer<>(config, r.keySerializer(), r.valueSerializer());
             var reportsOut = new KafkaProducer<>(config, b.keySerializer(), b.valueSerializer())) {
            for (Send send : order) {
                long timestamp = base + send.position();
                String device = send.device();
                sent.add(send.reading() != null
                        ? readingsOut.send(new ProducerRecord<>(r.name(), null, timestamp, device, send.reading()))
                        : reportsOut.send(new ProducerRecord<>(b.name(), null, timestamp, device, send.report())));
            }
            readingsOut.flush();
            reportsOut.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Runs an instance until it has committed every record of both input topics, then closes it cleanly. */
    private void process(StreamsFixture fixture, Topics topics, String instance) throws Exception {
        Map<TopicPartition, Long> end = endOffsets(List.of(topics.sensorReadings().name(),
                topics.boardInferences().name()));
        ModelConfig config = ModelConfig.load(fixture.configFile);
        try (FlatlineStreams app = FlatlineStreams.start(new StreamsSettings(fixture.configFile,
                kafka.bootstrapServers(), fixture.instance(instance), Optional.empty()), config,
                EngineReferenceModel.load(config.defaultModel()))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                assertThat(app.stopped()).as("the application stopped").isNotDone();
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(fixture.prefix)
                        .partitionsToOffsetAndMetadata().get();
                return end.entrySet().stream().allMatch(e -> e.getValue() == 0
                        || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue());
            });
        }
    }

    private Map<TopicPartition, Long> endOffsets(List<String> names) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (String name : names) {
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(name, p), OffsetSpec.latest());
            }
        }
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
        return end;
    }

    /**
     * Every committed record of an output topic, read once the application is done with it: up to each partition's
     * end, which a read-committed consumer reaches once the last transaction's markers are written.
     */
    private <V> List<V> readAll(Topic<String, V> topic) throws Exception {
        Map<TopicPartition, Long> end = endOffsets(List.of(topic.name()));
        List<V> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                topic.keyDeserializer(), topic.valueDeserializer())) {
            consumer.assign(end.keySet());
            consumer.seekToBeginning(end.keySet());
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ZERO).until(() -> {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(100))) {
                    values.add(record.value());
                }
                return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
        }
        return values;
    }
}

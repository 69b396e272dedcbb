package io.flatline.deploy.replay;

import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.flatline.broker.KafkaCluster;
import io.flatline.model.engine.Model;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.simulator.fleet.BoardFirmware;
import io.flatline.simulator.fleet.BoardModel;
import io.flatline.simulator.fleet.FaultTimeline;
import io.flatline.simulator.fleet.Malfunction;
import io.flatline.streams.app.FlatlineStreams;
import io.flatline.streams.app.StreamsSettings;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.EngineReferenceModel;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A recorded fleet for replays to reproduce: simulated boards of the demo model, healthy ones and ones whose
 * NPU output freezes or whose preprocessing is wrong, their readings and reports in the input topics as ingest
 * publishes them (a reading, then the report read with it, one poll a second), and the outputs the live
 * application computed from them, read back byte for byte.
 */
final class ReplayFleet implements AutoCloseable {

    /**
     * An hour ago: records older than a topic's retention (7 days by default) are deleted by the broker's next
     * retention check, inputs included, which is not what this fleet is for.
     */
    static final Instant START = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(3600);

    private final KafkaCluster kafka;
    private final Path dir;
    private final Path config;
    private final Map<String, String> properties;
    private final Topics topics;
    private final FlatlineStreams live;
    private final Map<String, Map<String, List<String>>> liveOutputs;

    private ReplayFleet(KafkaCluster kafka, Path dir, Path config, Map<String, String> properties, Topics topics,
                        FlatlineStreams live, Map<String, Map<String, List<String>>> liveOutputs) {
        this.kafka = kafka;
        this.dir = dir;
        this.config = config;
        this.properties = properties;
        this.topics = topics;
        this.live = live;
        this.liveOutputs = liveOutputs;
    }

    /**
     * Records {@code windows} polls of {@code boards} boards, runs the live application over them until it has
     * committed every input record, and keeps its outputs; the live application goes on running.
     */
    static ReplayFleet start(KafkaCluster kafka, Path dir, int boards, int windows) throws Exception {
        String prefix = KafkaClusterExtension.uniqueName("replay");
        Map<String, String> props = new HashMap<>();
        for (String id : Topics.ids()) {
            props.put(Topics.TOPIC_PREFIX + id, prefix + "." + id);
        }
        props.put(StreamsSettings.PARTITIONS, "3");
        props.put("commit.interval.ms", "100");
        BoardModel runs = BoardModel.ofConfig(BoardModel.extractDemoConfig("demo.yaml", dir)
                .orElseThrow(() -> new IllegalStateException("The demo model is not on the classpath")));
        Path config = runs.writeModelConfig(dir, "model", BoardModel.regimeLabels());
        Map<String, String> liveProps = new HashMap<>(props);
        liveProps.put("application.id", prefix + "-live");
        liveProps.put("state.dir", dir.resolve("live").toString());
        StreamsSettings settings = new StreamsSettings(config, kafka.bootstrapServers(), liveProps, Optional.empty());
        ModelConfig modelConfig = ModelConfig.load(config);
        FlatlineStreams live = FlatlineStreams.start(settings, modelConfig, EngineReferenceModel.load(modelConfig.defaultModel()));
        try {
            record(kafka, settings.topics(), runs, boards, windows);
            awaitCommitted(kafka, prefix + "-live", settings.topics());
            Map<String, Map<String, List<String>>> outputs = read(kafka, settings.topics());
            return new ReplayFleet(kafka, dir, config, props, settings.topics(), live, outputs);
        } catch (Exception | AssertionError e) {
            live.close();
            throw e;
        }
    }

    /**
     * What the live application wrote from {@code from} to {@code to}: per output topic, per device, each record's timestamp
     * and value as text, in order.
     */
    Map<String, Map<String, List<String>>> live(Instant from, Instant to) {
        Map<String, Map<String, List<String>>> out = new TreeMap<>();
        liveOutputs.forEach((kind, byDevice) -> byDevice.forEach((device, records) -> {
            List<String> since = records.stream().filter(r -> {
                long at = Long.parseLong(r.substring(0, r.indexOf('\t')));
                return at >= from.toEpochMilli() && at <= to.toEpochMilli();
            }).toList();
            if (!since.isEmpty()) {
                out.computeIfAbsent(kind, k -> new TreeMap<>()).put(device, since);
            }
        }));
        return out;
    }

    Topics topics() {
        return topics;
    }

    FlatlineStreams liveApplication() {
        return live;
    }

    /** A replay of this fleet's topics named {@code suffix}, its state in a directory of its own. */
    Replay.Request request(String suffix, Instant from, Optional<Instant> to) {
        return request(suffix, from, to, Optional.empty());
    }

    /** The same, running {@code model} instead of the config's. */
    Replay.Request request(String suffix, Instant from, Optional<Instant> to, Optional<Path> model) {
        Map<String, String> props = new HashMap<>(properties);
        props.put("state.dir", dir.resolve("replay-" + suffix).toString());
        return new Replay.Request(config, kafka.bootstrapServers(), props, from, to, model, suffix);
    }

    /** The model file the live application runs. */
    Path modelFile() {
        return config.resolveSibling("model.tflite");
    }

    /** The records of {@code outputs}' topics, as {@link #live(Instant, Instant)} has the live ones. */
    Map<String, Map<String, List<String>>> outputs(Topics outputs) {
        return read(kafka, outputs);
    }

    /**
     * Where {@code replayed} differs from the live outputs from {@code from} on, one line per topic and device (""
     * when it does not):
     * how many records each has and the first one that differs.
     */
    String differences(Map<String, Map<String, List<String>>> replayed, Instant from) {
        return differences(replayed, from, Instant.ofEpochMilli(Long.MAX_VALUE));
    }

    /** The same, for a replay that left out the input records after {@code to}. */
    String differences(Map<String, Map<String, List<String>>> replayed, Instant from, Instant to) {
        Map<String, Map<String, List<String>>> live = live(from, to);
        StringBuilder out = new StringBuilder();
        java.util.Set<String> kinds = new java.util.TreeSet<>(live.keySet());
        kinds.addAll(replayed.keySet());
        for (String kind : kinds) {
            Map<String, List<String>> a = live.getOrDefault(kind, Map.of());
            Map<String, List<String>> b = replayed.getOrDefault(kind, Map.of());
            java.util.Set<String> devices = new java.util.TreeSet<>(a.keySet());
            devices.addAll(b.keySet());
            for (String device : devices) {
                List<String> x = values(a.getOrDefault(device, List.of()));
                List<String> y = values(b.getOrDefault(device, List.of()));
                if (!x.equals(y)) {
                    int i = 0;
                    while (i < Math.min(x.size(), y.size()) && x.get(i).equals(y.get(i))) {
                        i++;
                    }
                    out.append(String.format("%s %s: live %d records, replay %d, first difference at #%d%n  live:   %s%n"
                            + "  replay: %s%n", kind, device, x.size(), y.size(), i, i < x.size() ? x.get(i) : "-",
                            i < y.size() ? y.get(i) : "-"));
                }
            }
        }
        return out.toString();
    }

    /**
     * The values alone: a record's timestamp is that of the input record that happened to be handled when it was
     * written, a reading or its board's report, which may come in either order.
     */
    private static List<String> values(List<String> records) {
        return records.stream().map(r -> r.substring(r.indexOf('\t') + 1)).toList();
    }

    @Override
    public void close() {
        live.close();
    }

    /** Boards 0 and 1 freeze their NPU output, board 2 quantizes with a wrong zero point, from window 80 on. */
    private static void record(KafkaCluster kafka, Topics topics, BoardModel runs, int boards, int windows) {
        Model model = runs.load();
        List<BoardFirmware> firmware = new ArrayList<>();
        for (int b = 0; b < boards; b++) {
            FaultTimeline timeline = switch (b) {
                case 0, 1 -> FaultTimeline.from(80, Malfunction.OUTPUT_FROZEN);
                case 2 -> FaultTimeline.from(80, Malfunction.WRONG_ZERO_POINT);
                default -> FaultTimeline.HEALTHY;
            };
            firmware.add(new BoardFirmware(runs, model, 1000 + b, timeline, 3));
        }
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            Topic<String, SensorReading> readings = topics.sensorReadings();
            Topic<String, BoardInference> reports = topics.boardInferences();
            for (long seq = 1; seq <= windows; seq++) {
                Instant at = START.plusSeconds(seq);
                for (int b = 0; b < boards; b++) {
                    String id = "board-" + b;
                    BoardFirmware.Acquisition acquired = firmware.get(b).step();
                    List<Float> values = new ArrayList<>();
                    for (float v : acquired.values()) {
                        values.add(v);
                    }
                    SensorReading reading = SensorReading.newBuilder().setDeviceId(id).setSeq(seq).setTimestamp(at)
                            .setValues(values).setQuality(Quality.GOOD).build();
                    producer.send(new ProducerRecord<>(readings.name(), null, at.toEpochMilli(), id,
                            readings.valueSerializer().serialize(readings.name(), reading)));
                    if (acquired.report().isPresent()) {
                        BoardFirmware.Report r = acquired.report().get();
                        BoardInference report = BoardInference.newBuilder().setDeviceId(id)
                                .setTimestamp(at.plusMillis(1)).setInferenceCount(r.counter()).setWindowEndSeq(seq)
                                .setInputCrc32(r.inputCrc32()).setNetOut(ByteBuffer.wrap(r.netOut())).build();
                        producer.send(new ProducerRecord<>(reports.name(), null, at.toEpochMilli() + 1, id,
                                reports.valueSerializer().serialize(reports.name(), report)));
                    }
                }
            }
            producer.flush();
        }
    }

    /** Waits until the group has committed every record of the input topics, outputs included (exactly-once). */
    static void awaitCommitted(KafkaCluster kafka, String group, Topics topics) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, Long> ends = ends(admin, List.of(topics.sensorReadings().name(),
                    topics.boardInferences().name()));
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                return ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                        || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue());
            });
        }
    }

    private static Map<TopicPartition, Long> ends(Admin admin, List<String> names) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
                d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** Every committed record of the output topics, up to their end now, per topic and device. */
    private static Map<String, Map<String, List<String>>> read(KafkaCluster kafka, Topics outputs) {
        Map<String, Map<String, List<String>>> out = new TreeMap<>();
        List<Topic<String, ?>> wanted = List.of(outputs.predictions(), outputs.boardComparisons(), outputs.alerts(),
                outputs.deviceHealth());
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            for (Topic<String, ?> topic : wanted) {
                String kind = topic.id();
                Map<String, List<String>> byDevice = out.computeIfAbsent(kind, k -> new TreeMap<>());
                List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                        .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("Could not read " + topic.name() + " to its end " + ends);
                    }
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> byDevice.computeIfAbsent(r.key(),
                            k -> new ArrayList<>()).add(r.timestamp() + "\t" + topic.valueDeserializer()
                            .deserialize(topic.name(), r.value())));
                }
            }
        }
        return out;
    }
}

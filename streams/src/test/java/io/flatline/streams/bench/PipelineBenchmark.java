package io.flatline.streams.bench;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

import com.sun.management.OperatingSystemMXBean;
import io.flatline.broker.EmbeddedKafka;
import io.flatline.model.tflite.SeedModels;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.app.FlatlineStreams;
import io.flatline.streams.app.StreamsSettings;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.EngineReferenceModel;
import io.flatline.streams.infer.FleetModels;
import io.flatline.streams.infer.ReferenceModel;
import io.flatline.streams.quantize.InputQuantizer;
import io.flatline.streams.window.WindowState;
import io.flatline.testkit.KafkaClusterExtension;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records per second through the Flatline topology against a passthrough on the same broker in the same run,
 * and reading→prediction latency at half the Flatline's throughput. Runs only when asked:
 * {@code -Dflatline.bench.devices=200 [-Dflatline.bench.readings=15000] [-Dflatline.bench.partitions=6]
 * [-Dflatline.bench.threads=1] [-Dflatline.bench.seconds=40] [-Dflatline.bench.latency.seconds=30]
 * [-Dflatline.bench.commit.ms=100] [-Dflatline.bench.jfr=/tmp/flatline.jfr]
 * [-Dflatline.bench.repeats=3] [-Dflatline.bench.boards=true] [-Dflatline.bench.property.KEY=VALUE ...]}.
 *
 * <p>One embedded broker in this JVM (the shared one) serves every phase, one after the other:
 * <ol>
 *   <li>devices × readings {@link SensorReading}s are produced once to one input topic (seq-major: every
 *       device's seq 1, then every device's seq 2, …); with {@code boards}, every board also reports its
 *       inference on each window to a second input topic, which every application then reads too;</li>
 *   <li>a Kafka Streams passthrough (bytes in, bytes out, no serdes, no state) with the same settings as
 *       Flatline's ({@link StreamsSettings#streamsProperties()}: exactly_once_v2, lz4) copies that topic;</li>
 *   <li>a plain consumer→producer loop (read_committed consumer, idempotent producer, no transactions) copies
 *       it too: the broker's raw copying speed, for reference;</li>
 *   <li>{@link FlatlineStreams} with the seed model, stride 1, reads it: every reading after a device's 49th
 *       gives a prediction;</li>
 *   <li>a fresh Flatline application on fresh topics is fed by a paced producer at half the throughput measured
 *       in (4), and a read_committed consumer of the predictions measures reading→prediction latency.</li>
 * </ol>
 * (2) and (4) run {@code flatline.bench.repeats} times in turn (the loop once), each on a fresh application
 * over the same input, and the medians are reported with each pair's ratio. The broker shares this JVM, and
 * the first application to read the input meets it still warming up (a passthrough ran at half the rate of
 * the later ones, which flattered the ratio of any median that included it): one passthrough runs first to
 * warm it up and is not counted.
 * Throughput is input records consumed (committed, for the Streams applications) per second, sampled every
 * 200 ms, from the end of the warm-up (10 % of the input consumed, and at least devices × 50 records so that
 * every device's window has filled: JIT, task assignment) to the sample where 95 % of the input is consumed, or
 * the phase's time cap ({@code flatline.bench.seconds}) after the warm-up.
 */
class PipelineBenchmark {

    private static final int CHANNELS = 10;
    private static final long SAMPLE_MS = 200;
    private static final int WINDOW = 50;

    /** Warm-up: until every device's window has filled (devices × 50 records) and 10 % of the input is consumed. */
    private long warmRecords;

    @TempDir
    Path dir;

    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @Test
    void throughputAndLatency() throws Exception {
        int devices = Integer.getInteger("flatline.bench.devices", 0);
        assumeThat(devices).as("set -Dflatline.bench.devices=N to run the benchmark").isPositive();
        int readings = Integer.getInteger("flatline.bench.readings", 15000);
        int partitions = Integer.getInteger("flatline.bench.partitions", 6);
        int threads = Integer.getInteger("flatline.bench.threads", 1);
        int maxSeconds = Integer.getInteger("flatline.bench.seconds", 30);
        int latencySeconds = Integer.getInteger("flatline.bench.latency.seconds", 30);
        int latencyWarmup = Integer.getInteger("flatline.bench.latency.warmup", 10);
        String commitMs = System.getProperty("flatline.bench.commit.ms", "100");
        String jfr = System.getProperty("flatline.bench.jfr", "");
        int repeats = Integer.getInteger("flatline.bench.repeats", 3);
        boolean boards = Boolean.getBoolean("flatline.bench.boards");

        EmbeddedKafka kafka = EmbeddedKafka.shared();
        Files.write(dir.resolve("seed.tflite"), SeedModels.bytes(SeedModels.Spec.fieldReport(1)));
        // Both configs judge alike: only the models differ.
        String sharedSettings = """
                window:
                  size: 50
                  stride: 1
                detector:
                  stuckRunLength: 20
                  minDistinctInputs: 10
                  staleRunLength: 20
                """;
        Path configFile = Files.writeString(dir.resolve("flatline.yaml"), """
                model:
                  file: seed.tflite
                  labels: [c0, c1, c2, c3, c4]
                """ + sharedSettings);
        ModelConfig config = ModelConfig.load(configFile);
        EngineReferenceModel model = EngineReferenceModel.load(config.defaultModel());
        // The same fleet on two models, half of the devices on each (by patterns, as a rollout assigns them):
        // what a second model costs per reading. Without board reports, which are the first model's.
        boolean twoModels = Boolean.getBoolean("flatline.bench.two-models") && !boards;
        Files.write(dir.resolve("seed-v2.tflite"), SeedModels.bytes(SeedModels.Spec.fieldReport(2)));
        Path twoModelConfig = Files.writeString(dir.resolve("two-models.yaml"), """
                models:
                  v1: {file: seed.tflite, labels: [c0, c1, c2, c3, c4]}
                  v2: {file: seed-v2.tflite, labels: [c0, c1, c2, c3, c4]}
                assign:
                  default: v1
                  patterns: {"bench-*0": v2, "bench-*2": v2, "bench-*4": v2, "bench-*6": v2, "bench-*8": v2}
                """ + sharedSettings);
        double load0 = os.getSystemLoadAverage();

        // (1) the input, once
        String run = KafkaClusterExtension.uniqueName("bench");
        Inputs input = new Inputs(run + ".sensor-readings", boards ? run + ".board-inferences" : null);
        input.topics().forEach(topic -> kafka.createTopic(topic, partitions));
        long p0 = System.nanoTime();
        long total = produceInput(kafka, input, devices, readings, boards ? new Boards(config, model) : null);
        warmRecords = Math.max((long) devices * WINDOW, total / 10);
        double produceSeconds = (System.nanoTime() - p0) / 1e9;
        System.out.printf(Locale.ROOT, "BENCH-PHASE produced %d input records in %.1f s%n", total, produceSeconds);

        // The broker shares this JVM and the first application to read the input meets it cold (a passthrough
        // then ran at about half the rate of the later ones): one passthrough warms it up, not counted.
        passthrough(kafka, configFile, input, run + "-warmup", total, maxSeconds, commitMs,
                threads, partitions);
        System.out.printf(Locale.ROOT, "BENCH-PHASE (the warm-up passthrough above is not counted)%n");

        // (2)-(4), repeated: passthrough and Flatline alternate, so each ratio compares neighbours in time
        List<Phase> passthroughs = new ArrayList<>();
        List<Phase> flatlines = new ArrayList<>();
        List<Phase> twoModelRuns = new ArrayList<>();
        Phase loop = null;
        Map<String, Long> counters = Map.of();
        double written = 0;
        for (int repeat = 1; repeat <= repeats; repeat++) {
            String id = run + (repeats == 1 ? "" : "-r" + repeat);
            passthroughs.add(passthrough(kafka, configFile, input, id, total, maxSeconds, commitMs, threads,
                    partitions));
            if (loop == null) {
                // (3) plain consumer→producer loop, once: a reference, not part of the target
                String loopOut = run + ".loop";
                kafka.createTopic(loopOut, partitions);
                loop = plainLoop(kafka, input, loopOut, run + "-loop", total, maxSeconds);
            }
            FlatlinePhase flatline = flatline("flatline", kafka, configFile, FleetModels.of(config, model), input,
                    id, total, maxSeconds, commitMs, threads, partitions, repeat == repeats ? jfr : "");
            flatlines.add(flatline.phase());
            if (twoModels) {
                twoModelRuns.add(flatline("flatline-2-models", kafka, twoModelConfig,
                        FleetModels.load(ModelConfig.load(twoModelConfig)), input, id + "-2m", total, maxSeconds,
                        commitMs, threads, partitions, "").phase());
            }
            if (repeat == 1) {
                counters = flatline.counters();
                written = flatline.writtenPerInput();
            }
        }
        Phase passthrough = median(passthroughs);
        Phase flatline = median(flatlines);

        // (5) latency at half the Flatline's throughput
        // Half the measured Flatline throughput, as the issue defines the latency load; a fixed rate can be asked
        // for to compare code changes at one load.
        double rate = Double.parseDouble(System.getProperty("flatline.bench.latency.rate", String.valueOf(flatline.rate / 2)));
        Map<String, String> latProps = commonProps(run + "-latency", commitMs, threads, partitions);
        flatlineTopics(latProps, run + ".latency");
        StreamsSettings latSettings = new StreamsSettings(configFile, kafka.bootstrapServers(), latProps, Optional.empty());
        // The broker stamps each prediction as it appends it, before its transaction commits: the latency splits
        // into the way to the broker (load generator, fetch, processing, send) and the wait to be readable.
        kafka.createTopic(latSettings.topics().predictions().name(), partitions,
                Map.of("message.timestamp.type", "LogAppendTime"));
        Latency latency;
        String threadMetrics;
        try (FlatlineStreams app = FlatlineStreams.start(latSettings, config, model)) {
            app.awaitRunning(Duration.ofSeconds(60));
            latency = latency(kafka, latSettings.topics(), devices, rate, latencyWarmup, latencySeconds);
            threadMetrics = threadMetrics(app.streams());
        }

        double load1 = os.getSystemLoadAverage();
        String result = String.format(Locale.ROOT, """
                ==== BENCH streams ====
                BENCH settings devices=%d readings/device=%d boards-report=%s input-records=%d partitions=%d \
                num.stream.threads=%d \
                processing.guarantee=exactly_once_v2 commit.interval.ms=%s cores=%d load-average=%.1f->%.1f \
                properties=%s
                %sBENCH throughput streams-passthrough %s
                BENCH throughput plain-loop          %s
                BENCH throughput flatline            %s counters %s
                BENCH flatline records written (outputs + changelogs, incl. transaction markers) per input record=%.1f
                BENCH ratio flatline/streams-passthrough=%.2f flatline/plain-loop=%.2f (target >= 0.50: %s)
                BENCH stream-thread cpu per record (median of repeats) passthrough=%.2f us flatline=%.2f us ratio=%.2f
                %sBENCH latency rate=%.0f/s sent=%d predictions=%d p50=%d ms p95=%d ms p99=%d ms max=%d ms \
                cpu-cores=%.2f (target p99 <= 250 ms: %s)
                BENCH latency to the broker's append (before the commit) p50=%d ms p95=%d ms p99=%d ms max=%d ms
                BENCH latency phase stream threads (Kafka Streams' metrics, last 30 s): %s
                ==== end ====
                """, devices, readings, boards, total, partitions, threads, commitMs,
                Runtime.getRuntime().availableProcessors(), load0, load1, extraProperties(),
                repeatLines(passthroughs, flatlines), passthrough, loop, flatline, counters, written,
                flatline.rate / passthrough.rate, flatline.rate / loop.rate,
                flatline.rate / passthrough.rate >= 0.5 ? "met" : "NOT met",
                medianOf(passthroughs, Phase::threadMicrosPerRecord), medianOf(flatlines, Phase::threadMicrosPerRecord),
                medianOf(passthroughs, Phase::threadMicrosPerRecord) / medianOf(flatlines, Phase::threadMicrosPerRecord),
                twoModelRuns.isEmpty() ? "" : twoModelLines(flatlines, twoModelRuns), rate, latency.sent, latency.millis.length, latency.percentile(50), latency.percentile(95),
                latency.percentile(99), latency.percentile(100), latency.cpuCores,
                latency.millis.length > 0 && latency.percentile(99) <= 250 ? "met" : "NOT met",
                Latency.percentile(latency.toBroker, 50), Latency.percentile(latency.toBroker, 95),
                Latency.percentile(latency.toBroker, 99), Latency.percentile(latency.toBroker, 100), threadMetrics);
        System.out.print(result);
    }

    /** The two-model runs beside the one-model runs of the same repeats: throughput and CPU per record. */
    private static String twoModelLines(List<Phase> one, List<Phase> two) {
        Phase median = median(two);
        double cpuOne = medianOf(one, Phase::threadMicrosPerRecord);
        double cpuTwo = medianOf(two, Phase::threadMicrosPerRecord);
        return String.format(Locale.ROOT, "BENCH throughput flatline-2-models   %s%n"
                + "BENCH two models/one model: throughput=%.2f stream-thread cpu per record %.2f us / %.2f us = %.2f"
                + " (target <= 1.10: %s)%n", median, median.rate / median(one).rate, cpuTwo, cpuOne, cpuTwo / cpuOne,
                cpuTwo / cpuOne <= 1.10 ? "met" : "NOT met");
    }

    /**
     * Where a stream thread's time went while it kept up with a paced load (Kafka Streams' thread metrics, over
     * their sample window, the highest over threads): a latency tail with a mostly idle thread points at the
     * commit or the poll rather than the processing.
     */
    private static String threadMetrics(KafkaStreams streams) {
        List<String> wanted = List.of("process-ratio", "commit-ratio", "poll-ratio", "commit-latency-avg",
                "commit-latency-max", "poll-latency-avg", "poll-latency-max", "process-latency-max");
        Map<String, Double> values = new TreeMap<>(java.util.Comparator.comparingInt(wanted::indexOf));
        streams.metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-thread-metrics") && wanted.contains(name.name())
                    && metric.metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                values.merge(name.name(), n.doubleValue(), Math::max);
            }
        });
        StringBuilder line = new StringBuilder();
        values.forEach((name, value) -> line.append(name).append('=')
                .append(String.format(Locale.ROOT, name.endsWith("ratio") ? "%.2f " : "%.1f ms ", value)));
        return line.toString().trim();
    }

    /**
     * The input topics: the readings, and with {@code -Dflatline.bench.boards=true} the boards' own inferences,
     * one per window (as a fleet whose boards all report), so that the comparison's path is measured too.
     */
    private record Inputs(String readings, String boardInferences) {
        List<String> topics() {
            return boardInferences == null ? List.of(readings) : List.of(readings, boardInferences);
        }
    }

    /** A Kafka Streams passthrough (bytes in, bytes out) with Flatline's own Streams settings. */
    private Phase passthrough(EmbeddedKafka kafka, Path configFile, Inputs input, String id, long total,
                              int maxSeconds, String commitMs, int threads, int partitions) throws Exception {
        String out = id + ".passthrough";
        kafka.createTopic(out, partitions);
        String applicationId = id + "-passthrough";
        Properties props = new StreamsSettings(configFile, kafka.bootstrapServers(),
                commonProps(applicationId, commitMs, threads, partitions), Optional.empty()).streamsProperties();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input.topics(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(out, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        try (Admin admin = kafka.admin(); KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            Phase phase = measure("streams-passthrough", total, maxSeconds, committed(admin, applicationId, input),
                    streamThreads(applicationId));
            streams.close(Duration.ofSeconds(30));
            return phase;
        }
    }

    /** @param counters Flatline's own counters at the end of the phase, those that are not zero */
    private record FlatlinePhase(Phase phase, Map<String, Long> counters, double writtenPerInput) {
    }

    /**
     * Flatline on the input topic, its outputs on topics of its own; a JFR recording of it when asked (the
     * caller asks on the last, warmest repeat).
     */
    private FlatlinePhase flatline(String name, EmbeddedKafka kafka, Path configFile, FleetModels models,
                                   Inputs input, String id, long total, int maxSeconds,
                                   String commitMs, int threads, int partitions, String jfr) throws Exception {
        String applicationId = id + "-flatline";
        Map<String, String> props = commonProps(applicationId, commitMs, threads, partitions);
        flatlineTopics(props, id + ".flatline");
        props.put(Topics.TOPIC_PREFIX + "sensor-readings", input.readings());
        if (input.boardInferences() != null) {
            props.put(Topics.TOPIC_PREFIX + "board-inferences", input.boardInferences());
        }
        StreamsSettings settings = new StreamsSettings(configFile, kafka.bootstrapServers(), props, Optional.empty());
        Phase phase;
        Map<String, Long> counters;
        Recording recording = jfr.isEmpty() ? null : new Recording(Configuration.getConfiguration("profile"));
        try (Admin admin = kafka.admin(); FlatlineStreams app = FlatlineStreams.start(settings, models)) {
            if (recording != null) {
                recording.setDestination(Path.of(jfr));
                recording.start();
            }
            phase = measure(name, total, maxSeconds, committed(admin, applicationId, input),
                    streamThreads(applicationId));
            if (recording != null) {
                recording.stop();
                recording.close();
            }
            counters = new TreeMap<>(app.counters().snapshot());
            counters.values().removeIf(n -> n == 0);
        }
        try (Admin admin = kafka.admin()) {
            long consumed = committed(admin, applicationId, input).getAsLong();
            long written = endOffsets(admin, t -> t.startsWith(applicationId + "-") || t.startsWith(id + ".flatline."));
            return new FlatlinePhase(phase, counters, (double) written / consumed);
        }
    }

    /**
     * The passthrough's stream-thread CPU per record over Flatline's: the throughput ratio the two would have if
     * their stream threads had a core each to themselves.
     */
    private static double workRatio(Phase passthrough, Phase flatline) {
        return passthrough.threadMicrosPerRecord() / flatline.threadMicrosPerRecord();
    }

    /** The phase with the median rate (the lower middle one of an even count). */
    private static Phase median(List<Phase> phases) {
        List<Phase> sorted = new ArrayList<>(phases);
        sorted.sort(java.util.Comparator.comparingDouble(Phase::rate));
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static double medianOf(List<Phase> phases, ToDoubleFunction<Phase> value) {
        double[] sorted = phases.stream().mapToDouble(value).sorted().toArray();
        return sorted[(sorted.length - 1) / 2];
    }

    /** With repeats, each pair's figures and ratio on a line of its own, then the medians' lines follow. */
    private static String repeatLines(List<Phase> passthroughs, List<Phase> flatlines) {
        if (passthroughs.size() == 1) {
            return "";
        }
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < passthroughs.size(); i++) {
            Phase passthrough = passthroughs.get(i);
            Phase flatline = flatlines.get(i);
            lines.append(String.format(Locale.ROOT, "BENCH repeat %d passthrough records/s=%.0f flatline records/s=%.0f"
                    + " ratio=%.2f stream-thread us/record %.2f vs %.2f (ratio %.2f)%n", i + 1, passthrough.rate(),
                    flatline.rate(), flatline.rate() / passthrough.rate(), passthrough.threadMicrosPerRecord(),
                    flatline.threadMicrosPerRecord(), workRatio(passthrough, flatline)));
        }
        return lines.append("BENCH medians of ").append(passthroughs.size()).append(" repeats below\n").toString();
    }

    private Map<String, String> commonProps(String applicationId, String commitMs, int threads, int partitions) {
        Map<String, String> props = new HashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state-" + applicationId).toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMs);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(threads));
        props.put(StreamsSettings.PARTITIONS, String.valueOf(partitions));
        props.putAll(extraProperties());
        return props;
    }

    /**
     * {@code -Dflatline.bench.property.KEY=VALUE}: a Kafka Streams or client setting for every application of the
     * run alike (passthrough, Flatline, latency), to measure a setting without editing code.
     */
    private static Map<String, String> extraProperties() {
        Map<String, String> extra = new TreeMap<>();
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(EXTRA_PROPERTY))
                .forEach(k -> extra.put(k.substring(EXTRA_PROPERTY.length()), System.getProperty(k)));
        return extra;
    }

    private static final String EXTRA_PROPERTY = "flatline.bench.property.";

    private void flatlineTopics(Map<String, String> props, String prefix) {
        for (String id : Topics.ids()) {
            props.put(Topics.TOPIC_PREFIX + id, prefix + "." + id);
        }
        props.put(StreamsSettings.DEAD_LETTER_TOPIC, prefix + ".dead-letters");
    }

    private static List<Float> values(Random random) {
        List<Float> values = new ArrayList<>(CHANNELS);
        for (int c = 0; c < CHANNELS; c++) {
            values.add((float) (random.nextGaussian() * 1.5));
        }
        return values;
    }

    /**
     * Every device's readings, seq-major; with {@code boards}, after each reading that fills or slides a window,
     * the device's board reporting its inference on it, as the board's runtime computed it (here: the reference
     * engine on the same quantized window, so that every comparison matches). Returns the records produced.
     */
    private static long produceInput(EmbeddedKafka kafka, Inputs input, int devices, int readings, Boards boards) {
        Topic<String, SensorReading> topic = Topics.defaults().sensorReadings();
        Topic<String, BoardInference> boardTopic = Topics.defaults().boardInferences();
        Random random = new Random(7);
        long produced = 0;
        Map<String, Object> settings = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Readings 100 ms apart, the newest now: Kafka Streams orders a task's records by their timestamps, so the
        // boards' reports (1 ms after the reading that completes their window) interleave with the readings as
        // they would live, and no record is old enough for the broker's retention to delete.
        long firstAt = System.currentTimeMillis() - readings * 100L;
        try (var producer = new KafkaProducer<>(settings, topic.keySerializer(), topic.valueSerializer());
             var boardProducer = new KafkaProducer<>(settings, boardTopic.keySerializer(), boardTopic.valueSerializer())) {
            for (long seq = 1; seq <= readings; seq++) {
                for (int d = 0; d < devices; d++) {
                    String device = "bench-" + d;
                    Instant at = Instant.ofEpochMilli(firstAt + seq * 100);
                    SensorReading reading = SensorReading.newBuilder().setDeviceId(device).setSeq(seq)
                            .setTimestamp(at).setValues(values(random)).setQuality(Quality.GOOD).build();
                    producer.send(new ProducerRecord<>(input.readings(), null, at.toEpochMilli(), device, reading));
                    produced++;
                    BoardInference inference = boards == null ? null : boards.infer(reading);
                    if (inference != null) {
                        boardProducer.send(new ProducerRecord<>(input.boardInferences(), null, at.toEpochMilli() + 1,
                                device, inference));
                        produced++;
                    }
                }
            }
            producer.flush();
            boardProducer.flush();
        }
        return produced;
    }

    /** The boards of the fleet, each running the model on its own window of the readings it is sent. */
    private static final class Boards {
        private final ModelConfig config;
        private final InputQuantizer quantizer;
        private final ReferenceModel.Runners runners;
        private final Map<String, WindowState> windows = new HashMap<>();
        private final Map<String, ReferenceModel.Runner> engines = new HashMap<>();
        private final int windowSize;
        private final int channels;

        Boards(ModelConfig config, EngineReferenceModel model) {
            this.config = config;
            this.quantizer = new InputQuantizer(config.normalization(), model.inputScale(), model.inputZeroPoint());
            this.runners = model.newRunners();
            this.windowSize = model.timeSteps();
            this.channels = model.channels();
        }

        /** The board's report on the window this reading completes, or null while its window is filling. */
        BoardInference infer(SensorReading reading) {
            String device = reading.getDeviceId();
            WindowState.Step step = windows.getOrDefault(device, WindowState.empty(windowSize, channels)).accept(
                    reading.getSeq(), reading.getTimestamp().toEpochMilli(), quantizer.quantizeRow(reading.getValues()),
                    config.window());
            windows.put(device, step.state());
            if (!step.predictionDue()) {
                return null;
            }
            byte[] window = step.state().window();
            byte[] netOut = engines.computeIfAbsent(device, d -> runners.newRunner()).run(window, 1);
            return BoardInference.newBuilder().setDeviceId(device).setTimestamp(reading.getTimestamp())
                    .setInferenceCount(reading.getSeq()).setWindowEndSeq(reading.getSeq())
                    .setInputCrc32(InputQuantizer.crc32(window)).setNetOut(ByteBuffer.wrap(netOut)).build();
        }
    }

    /** Input records an application has committed, summed over the input topics' partitions. */
    private static LongSupplier committed(Admin admin, String groupId, Inputs input) {
        return () -> {
            try {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                return offsets.entrySet().stream().filter(e -> input.topics().contains(e.getKey().topic()) && e.getValue() != null)
                        .mapToLong(e -> e.getValue().offset()).sum();
            } catch (Exception e) {
                return 0;
            }
        };
    }

    /** The sum of the end offsets of the topics whose names pass the filter. */
    private static long endOffsets(Admin admin, Predicate<String> names) throws Exception {
        List<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS).stream().filter(names).toList();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((name, d) ->
                d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
                .mapToLong(r -> r.offset()).sum();
    }

    /**
     * An application's stream threads, not their producers' network threads: their CPU time per record is the
     * work each record costs the thread that limits a Kafka Streams application, which the shared machine's
     * noise moves much less than the rates.
     */
    private static Predicate<String> streamThreads(String applicationId) {
        return name -> name.startsWith(applicationId + "-") && name.matches(".*-StreamThread-\\d+");
    }

    /** CPU time of the live threads whose names pass the filter, in nanoseconds. */
    private static long threadCpuNanos(Predicate<String> threads) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && threads.test(info.getThreadName())) {
                sum += Math.max(0, mx.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    /**
     * Samples progress until 95 % of the input is consumed or the time cap; the rate between 10 % and then, and
     * the CPU time the named threads spent per record meanwhile.
     */
    private Phase measure(String name, long total, int maxSeconds, LongSupplier progress,
                          Predicate<String> threads) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(maxSeconds + 60L);
        long t0 = -1;
        long n0 = 0;
        long cpu0 = 0;
        long thread0 = 0;
        long t1 = -1;
        long n1 = 0;
        long cpu1 = 0;
        long thread1 = 0;
        long capAt = Long.MAX_VALUE;
        while (System.nanoTime() < deadline) {
            Thread.sleep(SAMPLE_MS);
            long n = progress.getAsLong();
            long t = System.nanoTime();
            if (t0 < 0 && n >= warmRecords) {
                t0 = t;
                n0 = n;
                cpu0 = os.getProcessCpuTime();
                thread0 = threadCpuNanos(threads);
                capAt = t + TimeUnit.SECONDS.toNanos(maxSeconds);
            }
            if (t0 >= 0 && n > n0) {
                t1 = t;
                n1 = n;
                cpu1 = os.getProcessCpuTime();
                thread1 = threadCpuNanos(threads);
            }
            if (n >= total * 95 / 100 || t >= capAt) {
                break;
            }
        }
        if (t1 <= t0) {
            throw new IllegalStateException(name + " made no progress: " + progress.getAsLong() + " of " + total);
        }
        double seconds = (t1 - t0) / 1e9;
        Phase phase = new Phase((n1 - n0) / seconds, n1 - n0, seconds, (cpu1 - cpu0) / 1e9 / seconds,
                (t0 - start) / 1e9, (thread1 - thread0) / 1e3 / (n1 - n0));
        System.out.println("BENCH-PHASE " + name + " " + phase);
        return phase;
    }

    private Phase plainLoop(EmbeddedKafka kafka, Inputs input, String output, String group, long total, int maxSeconds)
            throws InterruptedException {
        AtomicLong copied = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread thread = new Thread(() -> {
            try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, group,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
                 var producer = new KafkaProducer<>(Map.<String, Object>of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                         ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                         new ByteArraySerializer(), new ByteArraySerializer())) {
                consumer.subscribe(input.topics());
                while (running.get()) {
                    var records = consumer.poll(Duration.ofMillis(100));
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        producer.send(new ProducerRecord<>(output, r.key(), r.value()));
                    }
                    copied.addAndGet(records.count());
                }
            }
        }, "bench-plain-loop");
        thread.start();
        try {
            return measure("plain-loop", total, maxSeconds, copied::get, name -> name.equals("bench-plain-loop"));
        } finally {
            running.set(false);
            thread.join(30_000);
        }
    }

    private Latency latency(EmbeddedKafka kafka, Topics topics, int devices, double rate, int warmupSeconds,
                            int seconds) throws InterruptedException {
        Topic<String, SensorReading> readings = topics.sensorReadings();
        Topic<String, Prediction> predictions = topics.predictions();
        long measureFrom = System.currentTimeMillis() + warmupSeconds * 1000L;
        long measureUntil = measureFrom + seconds * 1000L;
        long[] latencies = new long[(int) Math.min(Integer.MAX_VALUE - 8, (long) (rate * seconds * 1.2) + 1000)];
        long[] appended = new long[latencies.length];
        int[] count = {0};
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean assigned = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, KafkaClusterExtension.uniqueName("bench-latency"),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new ByteArrayDeserializer(), predictions.valueDeserializer())) {
                consumer.subscribe(List.of(predictions.name()));
                while (running.get()) {
                    var records = consumer.poll(Duration.ofMillis(20));
                    assigned.set(!consumer.assignment().isEmpty());
                    long now = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], Prediction> r : records) {
                        // A prediction's timestamp is that of the reading that completed its window, which the
                        // generator stamps with its send time; the record's own timestamp is the broker's append.
                        long sent = r.value().getTimestamp().toEpochMilli();
                        if (sent >= measureFrom && sent < measureUntil && count[0] < latencies.length) {
                            appended[count[0]] = r.timestamp() - sent;
                            latencies[count[0]++] = now - sent;
                        }
                    }
                }
            }
        }, "bench-latency-reader");
        reader.start();
        while (!assigned.get()) {
            Thread.sleep(50);
        }
        long sent = 0;
        long cpu0 = 0;
        long c0 = 0;
        // The generator shares the two cores with Flatline and the broker, so it takes as little of them as it
        // can: values come from a pool made beforehand (a prime number of them, so every device walks through all
        // of the pool and its windows keep changing), readings are built by their constructor.
        Random random = new Random(11);
        List<List<Float>> valuePool = new ArrayList<>();
        for (int i = 0; i < 4099; i++) {
            valuePool.add(values(random));
        }
        long[] seqs = new long[devices];
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                readings.keySerializer(), readings.valueSerializer())) {
            long start = System.nanoTime();
            long startMillis = System.currentTimeMillis();
            long endNanos = start + TimeUnit.MILLISECONDS.toNanos(measureUntil - startMillis);
            boolean measuring = false;
            int device = 0;
            while (System.nanoTime() < endNanos) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
                while (sent < due) {
                    long now = System.currentTimeMillis();
                    if (!measuring && now >= measureFrom) {
                        measuring = true;
                        cpu0 = os.getProcessCpuTime();
                        c0 = System.nanoTime();
                    }
                    String id = "bench-" + device;
                    SensorReading reading = new SensorReading(id, ++seqs[device], Instant.ofEpochMilli(now),
                            valuePool.get((int) (sent % valuePool.size())), Quality.GOOD);
                    producer.send(new ProducerRecord<>(readings.name(), null, now, id, reading));
                    device = (device + 1) % devices;
                    sent++;
                }
                Thread.sleep(1);
            }
            producer.flush();
        }
        double cpuCores = (os.getProcessCpuTime() - cpu0) / 1e9 / ((System.nanoTime() - c0) / 1e9);
        Thread.sleep(3_000);
        running.set(false);
        reader.join(10_000);
        long[] measured = Arrays.copyOf(latencies, count[0]);
        Arrays.sort(measured);
        long[] toBroker = Arrays.copyOf(appended, count[0]);
        Arrays.sort(toBroker);
        System.out.printf(Locale.ROOT, "BENCH-PHASE latency sent=%d measured=%d%n", sent, measured.length);
        return new Latency(measured, toBroker, sent, cpuCores);
    }

    private record Phase(double rate, long records, double seconds, double cpuCores, double warmupSeconds,
                         double threadMicrosPerRecord) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "records/s=%.0f (%d records over %.1f s after %.1f s warm-up) cpu-cores=%.2f"
                    + " thread-cpu=%.2f us/record", rate, records, seconds, warmupSeconds, cpuCores, threadMicrosPerRecord);
        }
    }

    /**
     * @param millis   reading sent → prediction read, sorted
     * @param toBroker reading sent → prediction appended by the broker (still uncommitted), sorted
     */
    private record Latency(long[] millis, long[] toBroker, long sent, double cpuCores) {
        long percentile(double p) {
            return percentile(millis, p);
        }

        static long percentile(long[] sorted, double p) {
            if (sorted.length == 0) {
                return -1;
            }
            int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }
    }
}

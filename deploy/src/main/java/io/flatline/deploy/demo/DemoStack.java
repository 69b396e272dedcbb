package io.flatline.deploy.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.flatline.broker.BrokerSettings;
import io.flatline.broker.EmbeddedKafka;
import io.flatline.ingest.devicemap.DeviceMapException;
import io.flatline.ingest.metrics.IngestMetrics;
import io.flatline.schemas.Alert;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.topic.Topic;
import io.flatline.simulator.fleet.BoardModel;
import io.flatline.simulator.fleet.BoardSpec;
import io.flatline.simulator.fleet.DeviceMaps;
import io.flatline.simulator.fleet.Fault;
import io.flatline.simulator.fleet.FleetSimulator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack on embedded defaults: a single-node KRaft broker, a simulated fleet with healthy and faulty
 * boards, and for each fleet ingest and streams; plus the live view fed from the alerts and device-health
 * topics, as a dashboard would be.
 */
public final class DemoStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoStack.class);

    /**
     * @param kafkaPort the broker's client port
     * @param dataDir   where the broker and the state stores live; empty for a temporary directory
     * @param faults    the faulty boards, one per fault; the other boards are healthy
     * @param http      where the fleet's HTTP API listens, if anywhere
     */
    public record Options(int kafkaPort, Optional<Path> dataDir, int boards, List<Fault> faults, long seed,
                          Optional<InetSocketAddress> http) {
    }

    private final List<AutoCloseable> parts = new ArrayList<>();
    private final AtomicBoolean viewing = new AtomicBoolean(true);
    private EmbeddedKafka kafka;
    private LiveView view;
    private Thread viewer;
    private Path work;
    private boolean ownsWork;
    private final List<Pipeline> pipelines = new ArrayList<>();
    private final Map<String, String> faults = new LinkedHashMap<>();

    private DemoStack() {
    }

    /** Starts everything; on any failure, what was started is stopped again before the error propagates. */
    public static DemoStack start(Options options, Consumer<String> progress, Consumer<String> alertLines) {
        DemoStack stack = new DemoStack();
        try {
            stack.startAll(options, progress, alertLines);
            return stack;
        } catch (RuntimeException | IOException | DeviceMapException e) {
            stack.close();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void startAll(Options options, Consumer<String> progress, Consumer<String> alertLines)
            throws IOException, DeviceMapException {
        ownsWork = options.dataDir().isEmpty();
        work = options.dataDir().isPresent() ? Files.createDirectories(options.dataDir().get())
                : Files.createTempDirectory("flatline-demo-");

        progress.accept("starting Kafka (single-node KRaft) on localhost:" + options.kafkaPort());
        try {
            kafka = EmbeddedKafka.start(BrokerSettings.defaults().withPort(options.kafkaPort())
                    .withDataDir(work.resolve("kafka")));
        } catch (RuntimeException e) {
            if (causedBy(e, BindException.class)) {
                throw new IllegalStateException("port " + options.kafkaPort() + " is taken; pick another with"
                        + " --kafka-port", e);
            }
            throw e;
        }
        parts.add(kafka);

        BoardModel.Defaults models = BoardModel.defaults(work.resolve("models"));
        List<BoardSpec> plan = FleetSimulator.plan(options.boards(), options.faults(), models.model(),
                models.saturated(), 0, options.seed());
        progress.accept("starting " + plan.size() + " simulated boards (" + models.source() + ")");
        FleetSimulator fleet = FleetSimulator.start(plan);
        parts.add(fleet);
        plan.forEach(b -> faults.put(b.id(), b.fault().label()));

        int outputs = BoardModel.regimeLabels().size();
        progress.accept("starting ingest and streams for the fleet (" + plan.size() + " boards, two models)");
        startPipeline("fleet", null, fleet.ports(), outputs, fleetConfig(work.resolve("models"), models, plan),
                options.http());
        view = new LiveView(faults, Instant.now());
        startViewer(alertLines);
    }

    /**
     * One model config for the whole fleet: the demo model is every board's, the saturated one the boards the plan
     * flashed with it.
     */
    private static Path fleetConfig(Path dir, BoardModel.Defaults models, List<BoardSpec> plan) {
        List<String> labels = BoardModel.regimeLabels();
        StringBuilder y = new StringBuilder("# The model config of the simulated fleet: two models, one pipeline\n");
        y.append("models:\n  fleet:\n").append(models.model().configSection(dir, "fleet", labels, "    "));
        y.append("  saturated:\n").append(models.saturated().configSection(dir, "saturated", labels, "    "));
        y.append("assign:\n  default: fleet\n  devices:\n");
        plan.stream().filter(b -> b.fault() == Fault.SATURATED_MODEL)
                .forEach(b -> y.append("    ").append(b.id()).append(": saturated\n"));
        if (plan.stream().noneMatch(b -> b.fault() == Fault.SATURATED_MODEL)) {
            y.setLength(y.length() - "  devices:\n".length());
        }
        return BoardModel.writeConfig(dir, "fleet", y.toString());
    }

    private void startPipeline(String name, String topicPrefix, Map<String, Integer> ports, int outputs,
                               Path modelConfig, Optional<InetSocketAddress> http) throws IOException, DeviceMapException {
        Path devices = Files.writeString(work.resolve(name + "-devices.yaml"),
                DeviceMaps.yaml(ports, outputs, FleetSimulator.DEFAULT_INTERVAL));
        Pipeline pipeline = Pipeline.start(name, kafka.bootstrapServers(), Pipeline.topicNames(topicPrefix), devices,
                modelConfig, work.resolve("state-" + name), http);
        pipelines.add(pipeline);
        parts.add(pipeline);
    }

    private void startViewer(Consumer<String> alertLines) {
        Map<String, Topic<String, ?>> watched = new LinkedHashMap<>();
        for (Pipeline p : pipelines) {
            watched.put(p.topics().alerts().name(), p.topics().alerts());
            watched.put(p.topics().deviceHealth().name(), p.topics().deviceHealth());
        }
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "flatline-demo-view-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.copyOf(watched.keySet()));
        viewer = new Thread(() -> {
            try (consumer) {
                while (viewing.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        Object value = watched.get(r.topic()).valueDeserializer().deserialize(r.topic(), r.value());
                        if (value instanceof Alert alert) {
                            alertLines.accept(view.onAlert(alert));
                        } else if (value instanceof DeviceHealth health) {
                            view.onHealth(health);
                        }
                    }
                }
            } catch (RuntimeException e) {
                log.warn("The live view stopped reading: {}", e.toString());
            }
        }, "demo-view");
        viewer.setDaemon(true);
        viewer.start();
    }

    public LiveView view() {
        return view;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The simulated fault of each board, by device id. */
    public Map<String, String> faults() {
        return Map.copyOf(faults);
    }

    /** The alerts topic of each pipeline (the main fleet's, then the saturated boards'). */
    public List<Topic<String, Alert>> alertTopics() {
        return pipelines.stream().map(p -> p.topics().alerts()).toList();
    }

    /** The fleet page of each pipeline that serves one (the main fleet's, then the saturated boards'). */
    public List<String> pageUrls() {
        return pipelines.stream().flatMap(p -> p.httpUrl().stream()).toList();
    }

    /** Each pipeline's ingest metrics, as {@code flatline ingest} serves them on its metrics port. */
    public List<IngestMetrics> ingestMetrics() {
        return pipelines.stream().map(Pipeline::ingestMetrics).toList();
    }

    public Path workDir() {
        return work;
    }

    @Override
    public void close() {
        viewing.set(false);
        if (viewer != null) {
            try {
                viewer.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                log.warn("Stopping {} failed: {}", parts.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        if (ownsWork && work != null) {
            deleteRecursively(work);
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.flatline.streams.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import io.flatline.schemas.topic.TopicProvisioner;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.api.AlertHistory;
import io.flatline.streams.api.DeviceViews;
import io.flatline.streams.api.HttpApi;
import io.flatline.streams.api.LayerPictures;
import io.flatline.streams.api.MetricsText;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.FleetModels;
import io.flatline.streams.infer.ReferenceModel;
import io.flatline.streams.topology.FlatlineTopology;
import io.flatline.streams.topology.PipelineCounters;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running instance of the streams application: topics checked, topology started, HTTP API up. */
public final class FlatlineStreams implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FlatlineStreams.class);

    private final KafkaStreams streams;
    private final PipelineCounters counters;
    private final HttpApi http;
    private final CompletableFuture<KafkaStreams.State> stopped;
    private final Optional<ModelConfigWatcher> watcher;

    private FlatlineStreams(KafkaStreams streams, PipelineCounters counters, HttpApi http,
                            CompletableFuture<KafkaStreams.State> stopped, Optional<ModelConfigWatcher> watcher) {
        this.streams = streams;
        this.counters = counters;
        this.http = http;
        this.stopped = stopped;
        this.watcher = watcher;
    }

    /** Completes with ERROR or NOT_RUNNING once the application has stopped, for whatever reason. */
    public CompletableFuture<KafkaStreams.State> stopped() {
        return stopped;
    }

    /** A fleet of one model, run by {@code model}. */
    public static FlatlineStreams start(StreamsSettings settings, ModelConfig config, ReferenceModel model) {
        return start(settings, FleetModels.of(config, model));
    }

    public static FlatlineStreams start(StreamsSettings settings, FleetModels models) {
        noteFormatLocale();
        Topics topics = settings.topics();
        Properties props = settings.streamsProperties();
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class.getName());
        LocalStateIdentity identity = provisionTopics(settings, topics, props);
        // Where the wire format has a registry: an unreachable one, or one that refuses a schema, stops the start.
        for (Topic<String, ?> output : List.of(topics.predictions(), topics.boardComparisons(), topics.alerts(),
                topics.deviceHealth())) {
            output.registerValueSchema();
        }
        HttpApi http = null;
        if (settings.http().isPresent()) {
            try {
                http = new HttpApi(settings.http().get());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot listen on " + settings.http().get() + ": " + e.getMessage(), e);
            }
            // Behind a load balancer or in a pod, the address others reach this instance at is not the bound one:
            // an application.server the user gives wins, and the API compares routes against it.
            props.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, http.hostInfo().host() + ":" + http.hostInfo().port());
            http.advertiseAs(HostInfo.buildFromEndpoint(props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG)));
        }
        PipelineCounters counters = new PipelineCounters();
        KafkaStreams streams = new KafkaStreams(new FlatlineTopology(topics, models, counters, settings.period()).build(), props);
        CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();
        streams.setStateListener((now, before) -> {
            log.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.complete(now);
            }
        });
        startAfreshOnAnotherClustersState(streams, props, identity);
        streams.start();
        if (http != null) {
            Map<String, Object> clientProps = new java.util.HashMap<>();
            props.forEach((k, v) -> clientProps.put(k.toString(), v));
            http.serve(streams, new DeviceViews(models), new MetricsText(counters, streams),
                    new AlertHistory(topics.alerts(), clientProps), new LayerPictures(models));
        }
        for (FleetModels.Loaded m : models.all()) {
            log.info("Flatline streams runs model {}{}: {} ({}), {}x{} window, stride {}", m.name(),
                    m == models.defaultModel() ? " (the default)" : "", m.spec().file().getFileName(),
                    m.id().substring(0, 12), m.engine().timeSteps(), m.engine().channels(), m.spec().window().stride());
        }
        Optional<ModelConfigWatcher> watcher = settings.modelsReloadInterval()
                .map(every -> ModelConfigWatcher.start(settings.modelConfig(), models, counters, every));
        return new FlatlineStreams(streams, counters, http, stopped, watcher);
    }

    /**
     * Kafka Streams 4.2 and later build a log message with {@code String.format} for every record of a task with
     * an empty input partition (a fleet whose boards do not report), whether or not it is logged. On JDK 17 a
     * {@code Formatter} whose locale is not exactly en-US constructs a {@code DecimalFormatSymbols} for every such
     * call (docs/benchmarks.md). The process's locale is its launcher's to choose ({@code deploy/bin/flatline} and
     * the image set {@code -Duser.language.format=en -Duser.country.format=US}): this only says what it costs.
     */
    private static void noteFormatLocale() {
        Locale format = Locale.getDefault(Locale.Category.FORMAT);
        if (!format.equals(Locale.US)) {
            log.info("The formatting locale is {}: Kafka Streams' per-record log formatting costs more than under en-US"
                    + " (-Duser.language.format=en -Duser.country.format=US)", format);
        }
    }

    /** Creates the topics that are missing; returns what the application reads, as local state must match it. */
    private static LocalStateIdentity provisionTopics(StreamsSettings settings, Topics topics, Properties props) {
        Map<String, Object> adminProps = new java.util.HashMap<>();
        props.forEach((k, v) -> adminProps.put(k.toString(), v));
        adminProps.keySet().retainAll(AdminClientConfig.configNames());
        try (Admin admin = Admin.create(adminProps)) {
            List<String> created = TopicProvisioner.ensure(admin, topics.all(), List.of(settings.deadLetterTopic()),
                    settings.partitions(), (short) -1);
            if (!created.isEmpty()) {
                log.info("Created topics {}", created);
            }
            return LocalStateIdentity.of(admin, List.of(topics.sensorReadings().name(),
                    topics.boardInferences().name()), Duration.ofSeconds(30));
        }
    }

    /**
     * Local state built from another cluster, or from input topics since created anew, is wiped before the
     * application starts (Kafka Streams' {@code cleanUp}), so that every store is rebuilt from this cluster.
     */
    private static void startAfreshOnAnotherClustersState(KafkaStreams streams, Properties props,
                                                          LocalStateIdentity identity) {
        Path file = LocalStateIdentity.file(Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG,
                StreamsConfig.configDef().defaultValues().get(StreamsConfig.STATE_DIR_CONFIG).toString())),
                props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
        Optional<LocalStateIdentity> built = LocalStateIdentity.read(file);
        if (built.isPresent() && !built.get().equals(identity)) {
            log.warn("The local state in {} was built from cluster {} and topics {}, not from this cluster {} and"
                    + " topics {}: starting afresh from this cluster's changelogs", file.getParent(),
                    built.get().clusterId(), built.get().topicIds(), identity.clusterId(), identity.topicIds());
            streams.cleanUp();
        }
        identity.write(file);
    }

    public KafkaStreams streams() {
        return streams;
    }

    public PipelineCounters counters() {
        return counters;
    }

    /** The HTTP API's port, when it runs. */
    public int httpPort() {
        if (http == null) {
            throw new IllegalStateException("the HTTP API is not running");
        }
        return http.port();
    }

    /** Waits until the application processes records; fails when it stops first or does not get there in time. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                throw new IllegalStateException("Kafka Streams stopped: " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka Streams not running after " + timeout.toSeconds() + " s: "
                        + streams.state());
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        watcher.ifPresent(ModelConfigWatcher::close);
        if (http != null) {
            http.close();
        }
        streams.close(Duration.ofSeconds(30));
    }
}

package io.flatline.streams.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.flatline.streams.app.FlatlineStreams;
import io.flatline.streams.app.StreamsSettings;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.FleetModels;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flatline streams}: runs the streams application until it is stopped. */
@Command(name = "streams", mixinStandardHelpOptions = true,
        description = "Run the streams application: windows, reference inference, the stuck-output detector, the"
                + " fleet comparison, alerts and the HTTP API.")
public final class StreamsCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The model config (YAML).")
    Path config;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE",
            description = "A Kafka Streams or client property (application.id, state.dir, security.protocol,"
                    + " sasl.*, ssl.*, num.stream.threads, ...) or a Flatline one (flatline.topic.<id>=NAME,"
                    + " flatline.partitions=N). Repeatable.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8088",
            description = "Where the HTTP API and /metrics listen (default: ${DEFAULT-VALUE}, loopback only);"
                    + " 'none' turns it off.")
    String http;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The longest a stop may take: well within Kubernetes' default grace period of 30 s. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);

    /** Runs the streams application alone, without the launcher (as a container or a test's child process does). */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new StreamsCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ModelConfig modelConfig = ModelConfig.load(config);
        StreamsSettings settings = new StreamsSettings(config, bootstrapServers, properties, httpAddress(http));
        FleetModels models = FleetModels.load(modelConfig);
        CompletableFuture<Void> interrupted = new CompletableFuture<>();
        CountDownLatch closed = new CountDownLatch(1);
        // Ctrl-C or SIGTERM: the main thread closes the application (flush, commit, leave the group) while the hook
        // waits for that, not for the main thread to end: it ends in System.exit, which waits for the hooks.
        Thread hook = new Thread(() -> {
            interrupted.complete(null);
            try {
                closed.await(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "streams-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (FlatlineStreams app = FlatlineStreams.start(settings, models)) {
            spec.commandLine().getErr().println("flatline streams: running; Ctrl-C stops it");
            CompletableFuture.anyOf(interrupted, app.stopped()).join();
            return app.stopped().getNow(null) == KafkaStreams.State.ERROR ? 1 : 0;
        } finally {
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down, which is how we got here.
            }
        }
    }

    /** {@code HOST:PORT}, or empty for {@code none}: how the launcher's commands take an HTTP address. */
    public static Optional<InetSocketAddress> httpAddress(String value) {
        if (value == null || value.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        int colon = value.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("--http takes HOST:PORT (e.g. 127.0.0.1:8088) or 'none', got '" + value + "'");
        }
        try {
            return Optional.of(new InetSocketAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1))));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--http takes HOST:PORT (e.g. 127.0.0.1:8088) or 'none', got '" + value + "'");
        }
    }
}

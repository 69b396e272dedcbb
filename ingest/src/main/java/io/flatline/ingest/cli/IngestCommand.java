package io.flatline.ingest.cli;

import io.flatline.ingest.devicemap.Device;
import io.flatline.ingest.devicemap.DeviceMap;
import io.flatline.ingest.devicemap.DeviceMapException;
import io.flatline.ingest.devicemap.DeviceMapLoader;
import io.flatline.ingest.metrics.IngestMetrics;
import io.flatline.ingest.poll.IngestService;
import io.flatline.ingest.poll.SeqClock;
import io.flatline.ingest.poll.SeqClocks;
import io.flatline.ingest.publish.KafkaSink;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** {@code flatline ingest}: polls the devices of a map and publishes to Kafka until stopped. */
@Command(name = "ingest", mixinStandardHelpOptions = true, subcommands = CheckCommand.class,
        description = "Poll the Modbus devices of a device map and publish their readings to Kafka. Only ever reads.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:invalid device map, or the service could not start", "2:bad usage"})
public final class IngestCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--devices", paramLabel = "FILE", description = "The device map (YAML).")
    private Path devices;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers.")
    private String bootstrapServers;

    @Option(names = "--property", paramLabel = "KEY=VALUE",
            description = "A Kafka producer property (security.protocol, sasl.*, ssl.*, ...) or a topic name "
                    + "(flatline.topic.sensor-readings=...). Repeatable.")
    private Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--properties-file", paramLabel = "FILE",
            description = "Kafka client properties from a file (keeps SASL passwords off the command line); "
                    + "--property wins over it.")
    private Path propertiesFile;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where to keep each device's poll numbering, so that changing a device's interval continues "
                    + "its seq instead of renumbering it (file seq-clocks.properties, written at start only).")
    private Path stateDir;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9464",
            description = "Port of the Prometheus endpoint (/metrics); -1 turns it off. Default: ${DEFAULT-VALUE}.")
    private int metricsPort;

    /** The longest a stop may take: well within Kubernetes' default grace period of 30 s. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);

    private final CountDownLatch stopRequested = new CountDownLatch(1);

    /** Ends a running {@link #call()} as a signal would; for embedding the service in another program or a test. */
    public void stop() {
        stopRequested.countDown();
    }

    @Override
    public Integer call() throws InterruptedException {
        if (devices == null || bootstrapServers == null) {
            throw new ParameterException(spec.commandLine(), "ingest needs --devices FILE and --bootstrap-servers HOST:PORT");
        }
        PrintWriter err = spec.commandLine().getErr();
        DeviceMap map;
        try {
            map = DeviceMapLoader.load(devices);
        } catch (DeviceMapException e) {
            err.println(e.getMessage());
            return 1;
        }
        Function<Device, SeqClock> seqClocks = d -> SeqClock.forDevice(d.id(), d.interval());
        if (stateDir != null) {
            Path file = stateDir.resolve("seq-clocks.properties");
            try {
                Map<String, SeqClock> clocks = SeqClocks.resolve(file, map.devices(), System.currentTimeMillis() * 1_000_000L);
                seqClocks = d -> clocks.get(d.id());
            } catch (IOException e) {
                err.println(file + ": cannot use the state file: " + e.getMessage());
                return 1;
            }
        }
        Map<String, String> config = new LinkedHashMap<>();
        if (propertiesFile != null) {
            Properties fromFile = new Properties();
            try (Reader reader = Files.newBufferedReader(propertiesFile)) {
                fromFile.load(reader);
            } catch (IOException e) {
                err.println(propertiesFile + ": cannot read: " + e.getMessage());
                return 1;
            }
            fromFile.stringPropertyNames().forEach(k -> config.put(k, fromFile.getProperty(k)));
        }
        config.putAll(properties);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        IngestMetrics metrics = new IngestMetrics();
        HTTPServer http = null;
        KafkaSink sink = null;
        try {
            if (metricsPort >= 0) {
                http = HTTPServer.builder().port(metricsPort).registry(metrics.registry()).buildAndStart();
            }
            sink = new KafkaSink(config, metrics);
        } catch (IOException | KafkaException e) {
            err.println("ingest: cannot start: " + e.getMessage());
            closeQuietly(sink, http);
            return 1;
        }
        // Ctrl-C or SIGTERM: the JVM exits as soon as its hooks return, so the hook waits for this thread to stop
        // the pollers and flush what they published; not for this thread to end, which it does in System.exit,
        // waiting for the hooks.
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop();
            try {
                closed.await(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ingest-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (IngestService service = new IngestService(map, sink, metrics, seqClocks)) {
            service.start();
            spec.commandLine().getOut().printf("ingest: polling %d devices from %s%n", map.devices().size(), devices);
            spec.commandLine().getOut().flush();
            stopRequested.await();
        } finally {
            // Pollers are stopped by now (try-with-resources); what they published is flushed before exit.
            closeQuietly(sink, http);
            closed.countDown();
            removeHook(hook);
        }
        return 0;
    }

    private static void closeQuietly(KafkaSink sink, HTTPServer http) {
        if (sink != null) {
            sink.close();
        }
        if (http != null) {
            http.close();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down, which is how we got here.
        }
    }
}

package io.flatline.deploy.tail;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import io.flatline.deploy.options.PropertyOptions;
import io.flatline.schemas.json.RecordJson;
import io.flatline.schemas.registry.RegistrySettings;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.simulator.cli.Durations;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints any Flatline topic as JSON lines, one record a line, for people and scripts. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Print a Flatline topic as JSON lines. TOPIC is a topic id (sensor-readings, board-inferences,"
                + " predictions, board-comparisons, alerts, device-health) or a configured topic name.")
public final class TailCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TOPIC")
    String topic;

    @Option(names = "--from-beginning", description = "Start from the oldest record instead of new ones.")
    boolean fromBeginning;

    @Option(names = "--max-records", paramLabel = "N", description = "Stop after N records.")
    long maxRecords = Long.MAX_VALUE;

    @Option(names = "--idle-timeout", paramLabel = "DURATION",
            description = "Stop when no record came for this long (e.g. 10s, PT1M); default: never.")
    String idleTimeout;

    @Mixin
    PropertyOptions kafka;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final AtomicBoolean stop = new AtomicBoolean();

    @Override
    public Integer call() {
        Topics topics = Topics.fromConfig(flatlineProperties());
        Topic<String, ?> selected = topics.all().stream()
                .filter(t -> t.id().equals(topic) || t.name().equals(topic)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + topic + "' is no Flatline topic; the topics are "
                        + String.join(", ", topics.all().stream().map(t -> t.id() + " (" + t.name() + ")").toList())));
        Duration idle = idleTimeout == null ? null : Durations.parse(idleTimeout);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                main.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tail-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long printed = 0;
        long broken = 0;
        try (var consumer = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(selected.name()));
            long lastRecord = System.nanoTime();
            while (!stop.get() && printed < maxRecords) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty() && idle != null && System.nanoTime() - lastRecord > idle.toNanos()) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    lastRecord = System.nanoTime();
                    try {
                        Object value = selected.valueDeserializer().deserialize(selected.name(), record.value());
                        out.println(value == null ? "null" : RecordJson.toJson((IndexedRecord) value));
                    } catch (RuntimeException e) {
                        broken++;
                        err.println("flatline tail: partition " + record.partition() + " offset " + record.offset()
                                + ": " + e.getMessage());
                    }
                    out.flush();
                    if (++printed >= maxRecords) {
                        break;
                    }
                }
            }
        } catch (RecordDeserializationException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting because of Ctrl-C: the hook is already running.
            }
        }
        return broken == 0 ? 0 : 1;
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "flatline-tail-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        kafka.properties.forEach((k, v) -> {
            if (!isTopicsProperty(k)) {
                props.put(k, v);
            }
        });
        return props;
    }

    /** Topic names, wire format and schema registry: what decodes the topic, not what the consumer needs. */
    private Map<String, String> flatlineProperties() {
        Map<String, String> props = new HashMap<>();
        kafka.properties.forEach((k, v) -> {
            if (isTopicsProperty(k)) {
                props.put(k, v);
            }
        });
        return props;
    }

    private static boolean isTopicsProperty(String key) {
        return key.startsWith("flatline.") || RegistrySettings.isRegistryProperty(key);
    }
}

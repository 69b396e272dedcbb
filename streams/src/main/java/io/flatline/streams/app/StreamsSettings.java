package io.flatline.streams.app;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import io.flatline.schemas.registry.RegistrySettings;
import io.flatline.schemas.serde.WireFormat;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.topology.Period;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Everything the streams application is configured with, in one typed place: the model config, where the
 * cluster is, and any Kafka or Flatline property the user passes through.
 *
 * @param properties pass-through properties: Kafka Streams and client settings (security included),
 *                   Flatline's own ({@code flatline.topic.*}, {@code flatline.serde.format} or
 *                   {@code flatline.serde.factory}) and the schema registry's ({@code schema.registry.url}, ...)
 * @param http       where the HTTP API listens, if anywhere
 * @param period     what the application writes results for: all of them, or a replay's past period
 */
public record StreamsSettings(Path modelConfig, String bootstrapServers, Map<String, String> properties,
                              Optional<InetSocketAddress> http, Period period) {

    public static final String DEFAULT_APPLICATION_ID = "flatline-streams";
    public static final String DEAD_LETTER_TOPIC = "flatline.topic.dead-letters";
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "flatline.dead-letters";
    public static final String PARTITIONS = "flatline.partitions";
    /** How often the model config and its model files are checked for changes; 0 never. */
    public static final String MODELS_RELOAD_INTERVAL = "flatline.models.reload.interval.ms";

    public StreamsSettings {
        properties = Map.copyOf(properties);
    }

    /** The live application: every input record counts. */
    public StreamsSettings(Path modelConfig, String bootstrapServers, Map<String, String> properties,
                           Optional<InetSocketAddress> http) {
        this(modelConfig, bootstrapServers, properties, http, Period.ALL);
    }

    public Topics topics() {
        return Topics.fromConfig(flatlineProperties());
    }

    public String deadLetterTopic() {
        return properties.getOrDefault(DEAD_LETTER_TOPIC, DEFAULT_DEAD_LETTER_TOPIC);
    }

    /** Partitions of the topics the application creates when they are missing. */
    public int partitions() {
        return Integer.parseInt(properties.getOrDefault(PARTITIONS, "6"));
    }

    /** How often the model config and its models are looked at for changes, or empty when they are not. */
    public Optional<java.time.Duration> modelsReloadInterval() {
        String value = properties.getOrDefault(MODELS_RELOAD_INTERVAL, "2000");
        long ms;
        try {
            ms = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MODELS_RELOAD_INTERVAL + " must be a number of milliseconds, got '"
                    + value + "'");
        }
        if (ms < 0) {
            throw new IllegalArgumentException(MODELS_RELOAD_INTERVAL + " must be 0 (never) or more, got " + ms);
        }
        return ms == 0 ? Optional.empty() : Optional.of(java.time.Duration.ofMillis(ms));
    }

    private Map<String, String> flatlineProperties() {
        Map<String, String> flatline = new HashMap<>();
        properties.forEach((k, v) -> {
            boolean topicName = k.startsWith(Topics.TOPIC_PREFIX) && !k.equals(DEAD_LETTER_TOPIC);
            if (topicName || k.equals(Topics.SERDE_FACTORY) || k.equals(WireFormat.PROPERTY)
                    || RegistrySettings.isRegistryProperty(k)) {
                flatline.put(k, v);
            }
        });
        return flatline;
    }

    /**
     * The Kafka Streams configuration: exactly-once by default; a record that cannot be deserialized is logged,
     * counted by Kafka Streams' dropped-records metric and sent to the dead-letter topic, and processing goes
     * on. Anything the user passed wins over these defaults.
     */
    public Properties streamsProperties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        properties.forEach((k, v) -> {
            if (!k.startsWith("flatline.") && !RegistrySettings.isRegistryProperty(k)) {
                props.put(k, v);
            }
        });
        return props;
    }
}

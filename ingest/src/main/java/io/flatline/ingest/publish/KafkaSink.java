package io.flatline.ingest.publish;

import io.flatline.ingest.metrics.IngestMetrics;
import io.flatline.ingest.poll.ReadingSink;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.registry.RegistrySettings;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Publishes readings and inferences with one idempotent producer. A broker outage shorter than
 * {@code delivery.timeout.ms} loses nothing: records wait in the producer and go out in order afterwards. When
 * the producer's buffer is full, {@link #publish} waits (the calling poller slows down) rather than drop.
 */
public final class KafkaSink implements ReadingSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaSink.class);

    /** Defaults for a plant network; every one of them can be overridden with a client property. */
    static final Map<String, Object> DEFAULTS = Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
            ProducerConfig.LINGER_MS_CONFIG, "20",
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000",
            // Short so a full buffer is noticed (and counted) quickly; publish() keeps waiting regardless.
            ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000",
            ProducerConfig.CLIENT_ID_CONFIG, "flatline-ingest");

    private final KafkaProducer<String, byte[]> producer;
    private final IngestMetrics metrics;
    private final Target<SensorReading> readings;
    private final Target<BoardInference> inferences;
    private volatile boolean closed;

    /**
     * {@code properties}: Kafka producer properties, Flatline's {@code flatline.topic.*} names and wire format,
     * and the schema registry's properties. The value schemas are registered first where the format needs a
     * registry, so a registry that cannot be reached, or that refuses the schemas, stops ingest before it polls.
     */
    public KafkaSink(Map<String, String> properties, IngestMetrics metrics) {
        this.metrics = metrics;
        Topics topics = Topics.fromConfig(properties);
        topics.sensorReadings().registerValueSchema();
        topics.boardInferences().registerValueSchema();
        this.readings = new Target<>(topics.sensorReadings());
        this.inferences = new Target<>(topics.boardInferences());
        this.producer = new KafkaProducer<>(producerConfig(properties), new StringSerializer(), new ByteArraySerializer());
        for (String topic : new String[] {readings.name(), inferences.name()}) {
            metrics.publishFailuresFrom(topic);
            awaitMetadata(topic);
        }
    }

    /**
     * Fetches a topic's metadata up front, so the first polls do not wait for it, and so a missing topic is said
     * plainly at start (ingest does not create topics). Polling starts either way; records wait for the broker.
     */
    private void awaitMetadata(String topic) {
        try {
            producer.partitionsFor(topic);
        } catch (TimeoutException e) {
            log.warn("no metadata for topic {} yet (broker unreachable, or the topic does not exist): records for it "
                    + "wait in the producer", topic);
        }
    }

    static Map<String, Object> producerConfig(Map<String, String> properties) {
        Map<String, Object> config = new HashMap<>(DEFAULTS);
        properties.forEach((k, v) -> {
            if (!k.startsWith("flatline.") && !RegistrySettings.isRegistryProperty(k)) {
                config.put(k, v);
            }
        });
        return config;
    }

    @Override
    public void publish(SensorReading reading) {
        send(readings, reading.getDeviceId(), reading);
    }

    @Override
    public void publish(BoardInference inference) {
        send(inferences, inference.getDeviceId(), inference);
    }

    private <V> void send(Target<V> target, String key, V value) {
        ProducerRecord<String, byte[]> record =
                new ProducerRecord<>(target.name(), key, target.serializer().serialize(target.name(), value));
        while (true) {
            Delivery delivery = new Delivery(target.name(), key);
            try {
                producer.send(record, delivery);
                delivery.sending = false;
            } catch (KafkaException e) {
                failed(target.name(), key, e);
                return;
            }
            if (!(delivery.refused instanceof TimeoutException) || closed) {
                if (delivery.refused != null) {
                    failed(target.name(), key, delivery.refused);
                }
                return;
            }
            metrics.publishBlocked();
            log.debug("producer buffer full or no metadata for {}; waiting", target.name());
        }
    }

    private void failed(String topic, String key, Exception e) {
        metrics.publishFailed(topic);
        log.error("record for {} on {} lost: {}", key, topic, e.toString());
    }

    /** Sends what is buffered and waits for it (up to the delivery timeout), then closes the producer. */
    @Override
    public void close() {
        closed = true;
        producer.flush();
        producer.close(Duration.ofSeconds(30));
    }

    private record Target<V>(String name, Serializer<V> serializer) {
        Target(Topic<String, V> topic) {
            this(topic.name(), topic.valueSerializer());
        }
    }

    /**
     * Tells a record the producer refused inside {@code send()} (its buffer stayed full for max.block.ms: try
     * again) from one that failed later (the delivery timeout passed: lost, counted and logged).
     */
    private final class Delivery implements Callback {
        private final String topic;
        private final String key;
        private final Thread sender = Thread.currentThread();
        private volatile boolean sending = true;
        private Exception refused;

        Delivery(String topic, String key) {
            this.topic = topic;
            this.key = key;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception == null) {
                return;
            }
            if (sending && Thread.currentThread() == sender) {
                refused = exception;
            } else {
                failed(topic, key, exception);
            }
        }
    }
}

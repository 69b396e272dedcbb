package io.flatline.streams.api;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.flatline.schemas.Alert;
import io.flatline.schemas.topic.Topic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every device's latest alert edges (RAISED and CLEARED), read from the alerts topic from its start: the alarm
 * history the fleet page shows. The state stores hold only the open alarms. Alerts are rare (a handful per fault),
 * so each instance keeps the whole fleet's, {@link #PER_DEVICE} a device, and needs no routing.
 */
public final class AlertHistory implements AutoCloseable {

    /** Edges kept per device, newest first. */
    public static final int PER_DEVICE = 50;

    private static final Logger log = LoggerFactory.getLogger(AlertHistory.class);

    private final Map<String, Deque<Alert>> byDevice = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topic<String, Alert> topic;
    private final Thread reader;

    /**
     * Starts reading. {@code clientProperties}: the application's Kafka client settings (bootstrap servers,
     * security); what is not a consumer setting is left out.
     */
    public AlertHistory(Topic<String, Alert> topic, Map<String, Object> clientProperties) {
        this.topic = topic;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.keySet().retainAll(ConsumerConfig.configNames());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "flatline-alert-history");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.reader = new Thread(this::read, "flatline-alert-history");
        reader.setDaemon(true);
        reader.start();
    }

    /** The device's latest alert edges, newest first. */
    public List<Alert> of(String device) {
        Deque<Alert> edges = byDevice.get(device);
        if (edges == null) {
            return List.of();
        }
        synchronized (edges) {
            return new ArrayList<>(edges);
        }
    }

    private void read() {
        try (consumer) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    add(r);
                }
            }
        } catch (WakeupException | InterruptException stopping) {
            // close() asked it to stop.
        } catch (RuntimeException e) {
            log.warn("The alarm history stopped reading {}: {}", topic.name(), e.toString());
        }
    }

    private void add(ConsumerRecord<byte[], byte[]> r) {
        Alert alert;
        try {
            alert = topic.valueDeserializer().deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            log.warn("Skipping an unreadable alert at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
            return;
        }
        if (alert == null) {
            return;
        }
        Deque<Alert> edges = byDevice.computeIfAbsent(alert.getDeviceId(), d -> new ArrayDeque<>());
        synchronized (edges) {
            edges.addFirst(alert);
            while (edges.size() > PER_DEVICE) {
                edges.removeLast();
            }
        }
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

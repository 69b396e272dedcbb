package io.flatline.streams.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.flatline.broker.KafkaCluster;
import io.flatline.model.tflite.SeedModels;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/** A streams deployment for one test: its own topics and application id, the seed model, a model config. */
final class StreamsFixture {

    static final int STEPS = 50;
    static final int CHANNELS = 10;

    final KafkaCluster kafka;
    final String prefix;
    final Path dir;
    final Path configFile;
    final Map<String, String> properties = new HashMap<>();

    StreamsFixture(KafkaCluster kafka, Path dir, String configYaml) throws Exception {
        this.kafka = kafka;
        this.dir = dir;
        this.prefix = KafkaClusterExtension.uniqueName("streams");
        for (String id : Topics.ids()) {
            properties.put(Topics.TOPIC_PREFIX + id, prefix + "." + id);
        }
        properties.put("application.id", prefix);
        properties.put("commit.interval.ms", "100");
        // A killed instance's partitions move on after this, not the default 45 s.
        properties.put("session.timeout.ms", "6000");
        properties.put("heartbeat.interval.ms", "1000");
        properties.put(StreamsSettings.DEAD_LETTER_TOPIC, prefix + ".dead-letters");
        properties.put(StreamsSettings.PARTITIONS, "3");
        Files.write(dir.resolve("seed.tflite"), SeedModels.bytes(SeedModels.Spec.fieldReport(1)));
        this.configFile = Files.writeString(dir.resolve("flatline.yaml"), configYaml);
    }

    static String defaultConfig() {
        return """
                model:
                  file: seed.tflite
                  labels: [c0, c1, c2, c3, c4]
                detector:
                  stuckRunLength: 20
                  minDistinctInputs: 10
                  staleRunLength: 20
                """;
    }

    Topics topics() {
        return new StreamsSettings(configFile, kafka.bootstrapServers(), properties, java.util.Optional.empty()).topics();
    }

    /** Properties of one instance, with its own state directory. */
    Map<String, String> instance(String name) {
        Map<String, String> props = new HashMap<>(properties);
        props.put("state.dir", dir.resolve("state-" + name).toString());
        return props;
    }

    /** Sends readings seq from..to of each device, random values, in seq order. */
    void sendReadings(List<String> devices, long from, long to, long seed) {
        Topic<String, SensorReading> topic = topics().sensorReadings();
        Random random = new Random(seed);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), topic.keySerializer(), topic.valueSerializer())) {
            for (long seq = from; seq <= to; seq++) {
                for (String device : devices) {
                    List<Float> values = new ArrayList<>();
                    for (int c = 0; c < CHANNELS; c++) {
                        values.add((float) (random.nextGaussian() * 1.5));
                    }
                    producer.send(new ProducerRecord<>(topic.name(), device, SensorReading.newBuilder()
                            .setDeviceId(device).setSeq(seq).setTimestamp(Instant.ofEpochMilli(1_000_000 + seq * 100))
                            .setValues(values).setQuality(Quality.GOOD).build()));
                }
            }
        }
    }

    /** Reads a topic (committed records only) into a list on a background thread, until closed. */
    <V> AutoCloseable collect(Topic<String, V> topic, List<V> into) {
        return poll(topic.name(), topic.keyDeserializer(), topic.valueDeserializer(), r -> into.add(r.value()));
    }

    /** Reads a topic's committed records as they are, headers included, on a background thread, until closed. */
    AutoCloseable collectRecords(String topic, List<ConsumerRecord<byte[], byte[]>> into) {
        return poll(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer(), into::add);
    }

    private <K, V> AutoCloseable poll(String topic, Deserializer<K> keys, Deserializer<V> values,
                                      Consumer<ConsumerRecord<K, V>> each) {
        var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, KafkaClusterExtension.uniqueName("collect"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), keys, values);
        consumer.subscribe(List.of(topic));
        AtomicBoolean running = new AtomicBoolean(true);
        Thread t = new Thread(() -> {
            try (consumer) {
                while (running.get()) {
                    consumer.poll(Duration.ofMillis(100)).forEach(each);
                }
            }
        }, "collect-" + topic);
        t.setDaemon(true);
        t.start();
        return () -> {
            running.set(false);
            t.join(10_000);
        };
    }
}

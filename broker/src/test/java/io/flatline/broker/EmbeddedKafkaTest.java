package io.flatline.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

    /** The broker's listener and its controller's must differ, or the broker refuses to start. */
    @Test
    void freePortsAreAllDifferent() {
        for (int round = 0; round < 50; round++) {
            int[] ports = EmbeddedKafka.freePorts(8);
            assertThat(ports).doesNotHaveDuplicates().doesNotContain(0);
        }
    }

    @Test
    void producesAndConsumesThroughTheSharedBroker() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String topic = "it-" + UUID.randomUUID();
        kafka.createTopic(topic, 2);

        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
        assertThat(readAll(kafka.bootstrapServers(), topic, 10)).hasSize(10)
                .extracting(ConsumerRecord::value).contains("v0", "v9");
    }

    @Test
    void runsTheLatestProductionMetadataVersion() throws Exception {
        try (var admin = EmbeddedKafka.shared().admin()) {
            var features = admin.describeFeatures().featureMetadata().get();
            short level = features.finalizedFeatures().get("metadata.version").maxVersionLevel();
            assertThat(level).isEqualTo(MetadataVersion.latestProduction().featureLevel());
        }
    }

    /** Records with old times (test fleets from 1970, replays of history) must outlive the retention check. */
    @Test
    void newTopicsHaveNoTimeRetention() throws Exception {
        String topic = "old-times-" + UUID.randomUUID();
        EmbeddedKafka.shared().createTopic(topic, 1);
        try (var admin = EmbeddedKafka.shared().admin()) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("retention.ms").value())
                    .isEqualTo("-1");
        }
    }

    @Test
    void keepsItsDataAcrossAStopAndRestart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(BrokerSettings.defaults())) {
            kafka.createTopic("survives", 1);
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("survives", "k", "before")).get();
            }
            int port = kafka.port();
            kafka.stop();
            assertThat(kafka.isRunning()).isFalse();
            kafka.restart();
            assertThat(kafka.port()).isEqualTo(port);
            assertThat(readAll(kafka.bootstrapServers(), "survives", 1))
                    .extracting(ConsumerRecord::value).containsExactly("before");
        }
    }

    private static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic, int expected) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "g-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}

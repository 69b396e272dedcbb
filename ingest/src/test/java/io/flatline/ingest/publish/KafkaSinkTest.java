package io.flatline.ingest.publish;

import io.flatline.broker.BrokerSettings;
import io.flatline.broker.EmbeddedKafka;
import io.flatline.ingest.metrics.IngestMetrics;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topics;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class KafkaSinkTest {

    private static Map<String, String> config(String bootstrapServers, String prefix) {
        Map<String, String> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put(Topics.TOPIC_PREFIX + "sensor-readings", prefix + ".readings");
        config.put(Topics.TOPIC_PREFIX + "board-inferences", prefix + ".inferences");
        return config;
    }

    private static SensorReading reading(String device, long seq) {
        return SensorReading.newBuilder().setDeviceId(device).setSeq(seq).setTimestamp(Instant.ofEpochMilli(seq))
                .setValues(List.of(1.5f, (float) seq)).setQuality(Quality.GOOD).build();
    }

    @Test
    void clientPropertiesPassThroughAndOverrideTheDefaultsButTopicNamesStayOut() {
        Map<String, Object> config = KafkaSink.producerConfig(Map.of("compression.type", "zstd",
                "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "flatline.topic.alerts", "x"));
        assertThat(config).containsEntry("compression.type", "zstd").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true").doesNotContainKey("flatline.topic.alerts");
    }

    @Test
    void publishesRecordsKeyedByDeviceThatDecodeWithTheSchemas() {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String prefix = "sink-" + UUID.randomUUID();
        kafka.createTopic(prefix + ".readings", 3);
        kafka.createTopic(prefix + ".inferences", 3);
        Map<String, String> config = config(kafka.bootstrapServers(), prefix);
        try (KafkaSink sink = new KafkaSink(config, new IngestMetrics())) {
            sink.publish(reading("board-1", 41));
            sink.publish(BoardInference.newBuilder().setDeviceId("board-1").setTimestamp(Instant.ofEpochMilli(5))
                    .setInferenceCount(9).setWindowEndSeq(null).setInputCrc32(0xCBF43926L)
                    .setNetOut(ByteBuffer.wrap(new byte[] {1, -1})).setModelId(null).build());
        }
        Topics topics = Topics.fromConfig(config);
        List<ConsumerRecord<String, SensorReading>> readings =
                TopicReader.read(kafka.bootstrapServers(), topics.sensorReadings(), 1, Duration.ofSeconds(30));
        assertThat(readings).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("board-1");
            assertThat(r.value()).isEqualTo(reading("board-1", 41));
        });
        List<ConsumerRecord<String, BoardInference>> inferences =
                TopicReader.read(kafka.bootstrapServers(), topics.boardInferences(), 1, Duration.ofSeconds(30));
        assertThat(inferences).singleElement().satisfies(r -> assertThat(r.value().getInputCrc32()).isEqualTo(0xCBF43926L));
    }

    @Test
    void aBrokerOutageLosesNothingAndAFullBufferSlowsThePublisherInsteadOfDropping() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(BrokerSettings.defaults())) {
            String prefix = "outage";
            kafka.createTopic(prefix + ".readings", 2);
            kafka.createTopic(prefix + ".inferences", 1);
            Map<String, String> config = config(kafka.bootstrapServers(), prefix);
            // A buffer far smaller than what the outage produces, so the publisher must wait for the broker.
            config.put("buffer.memory", "16384");
            config.put("batch.size", "2048");
            config.put("max.block.ms", "200");
            IngestMetrics metrics = new IngestMetrics();
            int total = 3000;
            try (KafkaSink sink = new KafkaSink(config, metrics)) {
                for (int seq = 0; seq < 100; seq++) {
                    sink.publish(reading("board-" + seq % 4, seq));
                }
                kafka.stop();
                Thread publisher = new Thread(() -> {
                    for (int seq = 100; seq < total; seq++) {
                        sink.publish(reading("board-" + seq % 4, seq));
                    }
                }, "publisher");
                publisher.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> counter(metrics, "flatline_ingest_publish_blocked") > 0);
                assertThat(publisher.isAlive()).as("publisher waits while the buffer is full").isTrue();

                kafka.restart();
                publisher.join(60_000);
                assertThat(publisher.isAlive()).isFalse();
            }
            assertThat(counter(metrics, "flatline_ingest_publish_failures")).isZero();
            List<ConsumerRecord<String, SensorReading>> records = TopicReader.read(kafka.bootstrapServers(),
                    Topics.fromConfig(config).sensorReadings(), total, Duration.ofSeconds(60));
            assertThat(records).hasSize(total);
            for (int device = 0; device < 4; device++) {
                String key = "board-" + device;
                List<Long> seqs = records.stream().filter(r -> r.key().equals(key)).map(r -> r.value().getSeq()).toList();
                assertThat(seqs).as(key).isSorted().doesNotHaveDuplicates().hasSize(total / 4);
            }
        }
    }

    private static double counter(IngestMetrics metrics, String name) {
        return metrics.registry().scrape().stream()
                .filter(s -> s.getMetadata().getName().equals(name))
                .flatMap(s -> s.getDataPoints().stream())
                .mapToDouble(p -> ((CounterSnapshot.CounterDataPointSnapshot) p).getValue())
                .sum();
    }
}

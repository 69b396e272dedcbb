package io.flatline.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.flatline.broker.KafkaCluster;
import io.flatline.schemas.SampleRecords;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every topic's serdes, end to end through a real broker: produce, consume, compare. */
@ExtendWith(KafkaClusterExtension.class)
class TopicsThroughBrokerTest {

    static List<String> topicIds() {
        return Topics.ids();
    }

    @ParameterizedTest
    @MethodSource("topicIds")
    void recordsComeBackAsTheyWereSent(String id, KafkaCluster kafka) throws Exception {
        String name = KafkaClusterExtension.uniqueName(id);
        Topics topics = Topics.fromConfig(Map.of(Topics.TOPIC_PREFIX + id, name));
        Topic<String, Object> topic = find(topics, id);
        kafka.createTopic(name, 3);

        List<Object> sent = new ArrayList<>();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), topic.keySerializer(), topic.valueSerializer())) {
            for (String device : List.of("press-01", "press-02", "lathe-03")) {
                Object record = sampleFor(id, device);
                sent.add(record);
                producer.send(new ProducerRecord<>(topic.name(), device, record)).get();
            }
        }

        List<Object> received = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, KafkaClusterExtension.uniqueName("g"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), topic.keyDeserializer(), topic.valueDeserializer())) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < sent.size() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    assertThat(r.key()).isEqualTo(deviceOf(r.value()));
                    received.add(r.value());
                });
            }
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
    }

    @SuppressWarnings("unchecked")
    private static Topic<String, Object> find(Topics topics, String id) {
        return (Topic<String, Object>) topics.all().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    private static Object sampleFor(String id, String device) {
        return SampleRecords.oneOfEach(device).get(Topics.ids().indexOf(id));
    }

    private static String deviceOf(Object record) {
        return ((org.apache.avro.generic.GenericRecord) record).get("deviceId").toString();
    }
}

package io.flatline.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.flatline.broker.EmbeddedKafka;
import io.flatline.ingest.metrics.IngestMetrics;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.SampleRecords;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.registry.ApicurioRegistry;
import io.flatline.schemas.registry.IncompatibleSchemaException;
import io.flatline.schemas.registry.SchemaRegistryExtension;
import io.flatline.schemas.topic.Topics;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Ingest writing the Confluent wire format against a real registry, through the in-process broker. */
@ExtendWith(SchemaRegistryExtension.class)
class KafkaSinkConfluentTest {

    private final EmbeddedKafka kafka = EmbeddedKafka.shared();
    private final String prefix = "confluent-" + UUID.randomUUID().toString().substring(0, 8);

    private Map<String, String> config(ApicurioRegistry registry) {
        Map<String, String> config = new HashMap<>(registry.confluentProperties());
        config.put("bootstrap.servers", kafka.bootstrapServers());
        config.put(Topics.TOPIC_PREFIX + "sensor-readings", prefix + ".readings");
        config.put(Topics.TOPIC_PREFIX + "board-inferences", prefix + ".inferences");
        return config;
    }

    @Test
    void publishesTheConfluentWireFormatWithTheSchemasRegisteredAtStart(ApicurioRegistry registry) throws Exception {
        kafka.createTopic(prefix + ".readings", 2);
        kafka.createTopic(prefix + ".inferences", 2);
        Map<String, String> config = config(registry);
        SensorReading reading = SampleRecords.sensorReading("board-1", 41);
        BoardInference inference = SampleRecords.boardInference("board-1", 9);

        try (KafkaSink sink = new KafkaSink(config, new IngestMetrics())) {
            // Registered before the first record, each under its topic's subject.
            assertThat(registry.get("/subjects/" + prefix + ".readings-value/versions")).isEqualTo("200 [1]");
            assertThat(registry.get("/subjects/" + prefix + ".inferences-value/versions")).isEqualTo("200 [1]");
            sink.publish(reading);
            sink.publish(inference);
        }

        var raw = new io.flatline.schemas.topic.Topic<>("sensor-readings", prefix + ".readings", Serdes.String(),
                Serdes.ByteArray(), false);
        byte[] bytes = TopicReader.read(kafka.bootstrapServers(), raw, 1, Duration.ofSeconds(30)).get(0).value();
        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(registry.get("/schemas/ids/" + ByteBuffer.wrap(bytes, 1, 4).getInt()))
                .contains("SensorReading");
        Topics topics = Topics.fromConfig(config);
        List<ConsumerRecord<String, SensorReading>> readings =
                TopicReader.read(kafka.bootstrapServers(), topics.sensorReadings(), 1, Duration.ofSeconds(30));
        assertThat(readings).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(reading));
        List<ConsumerRecord<String, BoardInference>> inferences =
                TopicReader.read(kafka.bootstrapServers(), topics.boardInferences(), 1, Duration.ofSeconds(30));
        assertThat(inferences).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo(inference));
    }

    @Test
    void refusesToStartWhenTheRegistryHoldsAnIncompatibleSchema(ApicurioRegistry registry) {
        // An older producer wrote BoardInferences whose inferenceCount was a string: today's long cannot read it.
        Schema other = new Schema.Parser().parse(BoardInference.getClassSchema().toString()
                .replace("{\"name\":\"inferenceCount\",\"type\":\"long\"",
                        "{\"name\":\"inferenceCount\",\"type\":\"string\""));
        assertThat(other).isNotEqualTo(BoardInference.getClassSchema());
        registry.client().register(prefix + ".inferences-value", other);

        assertThatThrownBy(() -> new KafkaSink(config(registry), new IngestMetrics()))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("subject " + prefix + ".inferences-value")
                .hasMessageContaining("io.flatline.schemas.BoardInference");
    }

    @Test
    void registryPropertiesStayOutOfTheProducersConfiguration() {
        assertThat(KafkaSink.producerConfig(Map.of("schema.registry.url", "http://sr:8081",
                "basic.auth.user.info", "u:p", "schema.registry.ssl.truststore.location", "/t.p12",
                "ssl.truststore.location", "/kafka.p12")))
                .doesNotContainKeys("schema.registry.url", "basic.auth.user.info",
                        "schema.registry.ssl.truststore.location")
                .containsEntry("ssl.truststore.location", "/kafka.p12");
    }
}

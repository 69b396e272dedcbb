package io.flatline.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.flatline.broker.KafkaCluster;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.registry.ApicurioRegistry;
import io.flatline.schemas.registry.IncompatibleSchemaException;
import io.flatline.schemas.registry.SchemaRegistryExtension;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.EngineReferenceModel;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams application in the Confluent wire format against a real registry: it reads an input topic that
 * holds both formats (a fleet half-way through its migration) and writes its outputs with registered ids.
 */
@ExtendWith({KafkaClusterExtension.class, SchemaRegistryExtension.class})
class StreamsConfluentTest {

    private static final int READINGS = 80;

    @TempDir
    Path dir;

    @Test
    void readsAMixedInputTopicAndWritesRegisteredConfluentRecords(KafkaCluster kafka, ApicurioRegistry registry)
            throws Exception {
        StreamsFixture fixture = new StreamsFixture(kafka, dir, StreamsFixture.defaultConfig());
        kafka.createTopic(fixture.prefix + ".sensor-readings", 3);
        // The first half of the readings in single-object encoding, written before the switch to the registry.
        fixture.sendReadings(List.of("press-01"), 1, READINGS / 2, 3);
        fixture.properties.putAll(registry.confluentProperties());
        fixture.sendReadings(List.of("press-01"), READINGS / 2 + 1, READINGS, 4);

        Topics topics = fixture.topics();
        List<Prediction> predictions = new CopyOnWriteArrayList<>();
        List<byte[]> raw = new CopyOnWriteArrayList<>();
        try (FlatlineStreams app = start(fixture, kafka);
             AutoCloseable decoded = fixture.collect(topics.predictions(), predictions);
             AutoCloseable undecoded = fixture.collect(new Topic<>("predictions", topics.predictions().name(),
                     Serdes.String(), Serdes.ByteArray(), false), raw)) {
            for (String id : List.of("predictions", "board-comparisons", "alerts", "device-health")) {
                assertThat(registry.get("/subjects/" + fixture.prefix + "." + id + "-value/versions"))
                        .as("registered at start: %s", id).isEqualTo("200 [1]");
            }
            int windows = READINGS - StreamsFixture.STEPS + 1;
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(predictions).hasSize(windows));
            assertThat(predictions).extracting(Prediction::getWindowEndSeq).doesNotHaveDuplicates()
                    .contains((long) StreamsFixture.STEPS, (long) READINGS);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(raw).hasSize(windows));
            String latest = registry.get("/subjects/" + fixture.prefix + ".predictions-value/versions/latest");
            for (byte[] bytes : raw) {
                assertThat(bytes[0]).isZero();
                assertThat(latest).contains("\"id\":" + ByteBuffer.wrap(bytes, 1, 4).getInt() + ",");
            }
            assertThat(app.stopped()).isNotDone();
        }
    }

    @Test
    void refusesToStartWhenTheRegistryHoldsAnIncompatibleOutputSchema(KafkaCluster kafka, ApicurioRegistry registry)
            throws Exception {
        StreamsFixture fixture = new StreamsFixture(kafka, dir, StreamsFixture.defaultConfig());
        fixture.properties.putAll(registry.confluentProperties());
        Schema other = new Schema.Parser().parse(Prediction.getClassSchema().toString()
                .replace("{\"name\":\"inputLevels\",\"type\":\"int\"",
                        "{\"name\":\"inputLevels\",\"type\":\"string\""));
        assertThat(other).isNotEqualTo(Prediction.getClassSchema());
        registry.client().register(fixture.prefix + ".predictions-value", other);

        assertThatThrownBy(() -> start(fixture, kafka).close()).isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("subject " + fixture.prefix + ".predictions-value");
    }

    private FlatlineStreams start(StreamsFixture fixture, KafkaCluster kafka) throws Exception {
        Map<String, String> props = new HashMap<>(fixture.instance("a"));
        StreamsSettings settings = new StreamsSettings(fixture.configFile, kafka.bootstrapServers(), props,
                Optional.empty());
        ModelConfig config = ModelConfig.load(fixture.configFile);
        FlatlineStreams app = FlatlineStreams.start(settings, config, EngineReferenceModel.load(config.defaultModel()));
        try {
            app.awaitRunning(Duration.ofSeconds(60));
            return app;
        } catch (RuntimeException | InterruptedException e) {
            app.close();
            throw e;
        }
    }
}

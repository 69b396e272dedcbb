package io.flatline.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.flatline.broker.KafkaCluster;
import io.flatline.model.engine.Model;
import io.flatline.model.tflite.SeedModels;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topic;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.FleetModels;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model added to the config while two instances run, on the same config file: both take it within the reload
 * interval, the devices it is given move to it, and a config that cannot be used changes nothing.
 */
@ExtendWith(KafkaClusterExtension.class)
class ModelReloadEndToEndTest {

    private static final List<String> DEVICES = List.of("press-1", "press-2", "press-3", "lathe-1", "lathe-2",
            "lathe-3");
    private static final List<String> MOVED = List.of("press-1", "lathe-2", "lathe-3");
    private static final String V1_ONLY = """
            models:
              v1: {file: seed.tflite, labels: [c0, c1, c2, c3, c4]}
            """;
    private static final String WITH_V2 = V1_ONLY + """
              v2: {file: seed-v2.tflite, labels: [c0, c1, c2, c3, c4]}
            assign:
              default: v1
              devices: {press-1: v2, lathe-2: v2, lathe-3: v2}
            """;

    @TempDir
    Path dir;

    @Test
    void aModelAddedToTheConfigServesItsDevicesOnEveryInstanceWithinSeconds(KafkaCluster kafka) throws Exception {
        StreamsFixture fixture = new StreamsFixture(kafka, dir, V1_ONLY);
        byte[] v2File = SeedModels.bytes(SeedModels.Spec.fieldReport(2));
        String v1 = Model.load(SeedModels.bytes(SeedModels.Spec.fieldReport(1))).modelId();
        String v2 = Model.load(v2File).modelId();
        List<Prediction> predictions = new CopyOnWriteArrayList<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread readings = new Thread(() -> send(fixture, sending), "readings");
        List<FlatlineStreams> apps = new ArrayList<>();
        try (AutoCloseable collecting = fixture.collect(fixture.topics().predictions(), predictions)) {
            for (String instance : List.of("a", "b")) {
                apps.add(FlatlineStreams.start(new StreamsSettings(fixture.configFile, kafka.bootstrapServers(),
                        fixture.instance(instance), Optional.empty()), FleetModels.load(ModelConfig.load(
                        fixture.configFile))));
            }
            for (FlatlineStreams app : apps) {
                app.awaitRunning(Duration.ofSeconds(60));
            }
            readings.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> DEVICES.stream().allMatch(d -> predictions.stream()
                    .anyMatch(p -> p.getDeviceId().equals(d))));
            // Both instances hold devices, so both must take the change.
            await().atMost(Duration.ofSeconds(60)).until(() -> apps.stream().allMatch(a -> a.streams()
                    .metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty())));

            Files.writeString(fixture.configFile, WITH_V2.replace("seed-v2.tflite", "missing.tflite"));
            await().atMost(Duration.ofSeconds(10)).until(() -> apps.stream().allMatch(a ->
                    a.counters().snapshot().get("model_config_reload_failures") >= 1));

            Files.write(dir.resolve("seed-v2.tflite"), v2File);
            Files.writeString(fixture.configFile, WITH_V2);
            Instant changed = Instant.now();
            int before = predictions.size();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> MOVED.stream()
                    .allMatch(d -> predictions.stream().skip(before).anyMatch(p -> p.getDeviceId().equals(d)
                            && p.getModelId().equals(v2))));
            Duration took = Duration.between(changed, Instant.now());
            assertThat(apps).allSatisfy(a -> assertThat(a.counters().snapshot())
                    .containsEntry("model_config_reloads", 1L));
            // Once a device ran v2 it runs nothing else; the others never left v1.
            int after = predictions.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> predictions.size() > after + 3 * DEVICES.size());
            for (String device : DEVICES) {
                List<String> models = predictions.stream().filter(p -> p.getDeviceId().equals(device))
                        .map(Prediction::getModelId).toList();
                if (MOVED.contains(device)) {
                    int first = models.indexOf(v2);
                    assertThat(models.subList(first, models.size())).as(device).containsOnly(v2);
                    assertThat(models.subList(0, first)).as(device).containsOnly(v1);
                } else {
                    assertThat(models).as(device).containsOnly(v1);
                }
            }
            System.out.printf("model added at run time served its devices %d ms after the config changed%n",
                    took.toMillis());
        } finally {
            sending.set(false);
            readings.join(10_000);
            for (FlatlineStreams app : apps) {
                app.close();
            }
        }
    }

    /** Readings of every device, one round every 20 ms, until told to stop. */
    private static void send(StreamsFixture fixture, AtomicBoolean sending) {
        Topic<String, SensorReading> topic = fixture.topics().sensorReadings();
        Random random = new Random(3);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5), topic.keySerializer(), topic.valueSerializer())) {
            for (long seq = 1; sending.get(); seq++) {
                for (String device : DEVICES) {
                    List<Float> values = new ArrayList<>();
                    for (int c = 0; c < StreamsFixture.CHANNELS; c++) {
                        values.add((float) (random.nextGaussian() * 1.5));
                    }
                    producer.send(new ProducerRecord<>(topic.name(), device, SensorReading.newBuilder()
                            .setDeviceId(device).setSeq(seq).setTimestamp(Instant.ofEpochMilli(1_000_000 + seq * 100))
                            .setValues(values).setQuality(Quality.GOOD).build()));
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}

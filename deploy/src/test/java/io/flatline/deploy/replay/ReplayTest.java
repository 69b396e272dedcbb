package io.flatline.deploy.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import io.flatline.broker.KafkaCluster;
import io.flatline.model.tflite.SeedModels;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.app.FlatlineStreams;
import io.flatline.streams.app.StreamsSettings;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.EngineReferenceModel;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A replay over a recorded topic reproduces the live predictions exactly, beside a live application it leaves alone. */
@ExtendWith(KafkaClusterExtension.class)
class ReplayTest {

    private static final List<String> DEVICES = List.of("r1", "r2", "r3");
    /** Recent enough that the topics' time retention does not delete the records while the test runs. */
    private static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .minusSeconds(3600);

    @TempDir
    Path dir;

    @Test
    void reproducesTheLivePredictionsAndLeavesTheLiveApplicationAlone(KafkaCluster kafka) throws Exception {
        String prefix = KafkaClusterExtension.uniqueName("replay");
        Map<String, String> props = new HashMap<>();
        for (String id : Topics.ids()) {
            props.put(Topics.TOPIC_PREFIX + id, prefix + "." + id);
        }
        props.put("commit.interval.ms", "100");
        Files.write(dir.resolve("seed.tflite"), SeedModels.bytes(SeedModels.Spec.fieldReport(2)));
        Path config = Files.writeString(dir.resolve("flatline.yaml"),
                "model: {file: seed.tflite, labels: [a, b, c, d, e]}\n");
        Map<String, String> liveProps = new HashMap<>(props);
        liveProps.put("application.id", prefix + "-live");
        liveProps.put("state.dir", dir.resolve("live").toString());
        StreamsSettings liveSettings = new StreamsSettings(config, kafka.bootstrapServers(), liveProps,
                Optional.of(new InetSocketAddress("127.0.0.1", 0)));
        Topics topics = liveSettings.topics();
        ModelConfig modelConfig = ModelConfig.load(config);

        try (FlatlineStreams live = FlatlineStreams.start(liveSettings, modelConfig, EngineReferenceModel.load(modelConfig.defaultModel()))) {
            send(kafka, topics.sensorReadings(), 120);
            int expected = DEVICES.size() * (120 - 50 + 1);
            List<Prediction> livePredictions = readAll(kafka, topics.predictions(), expected);
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> liveOffsets;
            try (Admin admin = kafka.admin()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> committedTotal(admin, prefix + "-live") == DEVICES.size() * 120L);
                liveOffsets = admin.listConsumerGroupOffsets(prefix + "-live").partitionsToOffsetAndMetadata().get();
            }

            Map<String, String> replayProps = new HashMap<>(props);
            replayProps.put("state.dir", dir.resolve("replay").toString());
            List<Replay.Progress> progress = new ArrayList<>();
            Replay.Result result = Replay.run(new Replay.Request(config, kafka.bootstrapServers(), replayProps,
                    Instant.EPOCH, Optional.empty(), Optional.empty(), "v1"), progress::add);

            assertThat(result.records()).isEqualTo(DEVICES.size() * 120L);
            assertThat(result.outputs().predictions().name()).isEqualTo(prefix + ".predictions.v1");
            try (Admin admin = kafka.admin()) {
                // Its records carry the readings' times: the broker's time retention must not delete them.
                var resource = new org.apache.kafka.common.config.ConfigResource(
                        org.apache.kafka.common.config.ConfigResource.Type.TOPIC, result.outputs().predictions().name());
                assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource)
                        .get("retention.ms").value()).isEqualTo("-1");
            }
            assertThat(progress).last().satisfies(p -> assertThat(p.fraction()).isEqualTo(1.0));
            List<Prediction> replayed = readAll(kafka, result.outputs().predictions(), expected);
            assertThat(replayed).hasSize(expected);
            for (String device : DEVICES) {
                assertThat(of(replayed, device)).as(device).isEqualTo(of(livePredictions, device));
            }

            // The live application kept its offsets and keeps running.
            try (Admin admin = kafka.admin()) {
                assertThat(admin.listConsumerGroupOffsets(prefix + "-live").partitionsToOffsetAndMetadata().get())
                        .isEqualTo(liveOffsets);
            }
            assertThat(live.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);

            // A period: results from seq 60 (its window needs readings from seq 11, before --from) to seq 80.
            Replay.Result period = Replay.run(new Replay.Request(config, kafka.bootstrapServers(), replayProps,
                    T0.plusSeconds(60), Optional.of(T0.plusSeconds(80)), Optional.empty(), "period"), p -> { });
            List<Prediction> bounded = readAll(kafka, period.outputs().predictions(), DEVICES.size() * (80 - 60 + 1));
            assertThat(bounded).hasSize(DEVICES.size() * (80 - 60 + 1));
            assertThat(bounded).extracting(Prediction::getWindowEndSeq).allSatisfy(seq ->
                    assertThat(seq).isBetween(60L, 80L));

            assertThatThrownBy(() -> Replay.run(new Replay.Request(config, kafka.bootstrapServers(), replayProps,
                    Instant.EPOCH, Optional.empty(), Optional.empty(), "v1"), p -> { }))
                    .hasMessageContaining("a replay named 'v1' already ran");

            Map<String, String> absent = new HashMap<>(replayProps);
            absent.put(Topics.TOPIC_PREFIX + topics.sensorReadings().id(), prefix + ".absent-readings");
            assertThatThrownBy(() -> Replay.run(new Replay.Request(config, kafka.bootstrapServers(), absent,
                    Instant.EPOCH, Optional.empty(), Optional.empty(), "absent"), p -> { }))
                    .hasMessageContaining("an input topic to replay does not exist");
        }
    }

    private static List<String> of(List<Prediction> predictions, String device) {
        return predictions.stream().filter(p -> p.getDeviceId().equals(device))
                .map(p -> p.getWindowEndSeq() + ":" + p.getInputCrc32() + ":" + java.util.Arrays.toString(p.getNetOut().array())
                        + ":" + p.getLabel()).toList();
    }

    private static long committedTotal(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().endsWith(".sensor-readings") && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** Readings of each device, one a second from T0 (seq 1 at T0 + 1 s), as their record timestamps. */
    private static void send(KafkaCluster kafka, Topic<String, SensorReading> topic, int count) throws Exception {
        Random random = new Random(4);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                topic.keySerializer(), topic.valueSerializer())) {
            for (long seq = 1; seq <= count; seq++) {
                for (String device : DEVICES) {
                    List<Float> values = new ArrayList<>();
                    for (int c = 0; c < 10; c++) {
                        values.add((float) random.nextGaussian());
                    }
                    Instant at = T0.plusSeconds(seq);
                    producer.send(new ProducerRecord<>(topic.name(), null, at.toEpochMilli(), device,
                            SensorReading.newBuilder().setDeviceId(device).setSeq(seq).setTimestamp(at)
                                    .setValues(values).setQuality(Quality.GOOD).build()));
                }
            }
            producer.flush();
        }
    }

    private static <V> List<V> readAll(KafkaCluster kafka, Topic<String, V> topic, int expected) {
        List<V> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "read-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                topic.keyDeserializer(), topic.valueDeserializer())) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
            // Anything beyond the expected count would be a duplicate: give it a moment to show.
            consumer.poll(Duration.ofMillis(500)).forEach(r -> out.add(r.value()));
        }
        return out;
    }
}

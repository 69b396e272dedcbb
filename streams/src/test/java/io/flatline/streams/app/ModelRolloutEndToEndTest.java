package io.flatline.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.flatline.broker.KafkaCluster;
import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Model;
import io.flatline.model.tflite.SeedModels;
import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.FleetModels;
import io.flatline.streams.quantize.InputQuantizer;
import io.flatline.streams.quantize.Normalization;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout through a real broker while the application runs: half the fleet is flashed with model v2 (another
 * input quantization) and its boards start reporting it, the other half stays on v1. Every window gets exactly one
 * prediction, of the model its device ran then, computed bit-exactly; the devices that moved change model once; and
 * no alarm is raised, at the cut or after it.
 */
@ExtendWith(KafkaClusterExtension.class)
class ModelRolloutEndToEndTest {

    private static final int STEPS = StreamsFixture.STEPS;
    private static final int CHANNELS = StreamsFixture.CHANNELS;
    private static final List<String> DEVICES = List.of("press-1", "press-2", "press-3", "lathe-1", "lathe-2",
            "lathe-3");
    private static final List<String> MOVED = List.of("press-1", "press-2", "press-3");
    /** The moved boards run v2 from this reading on, and report its first window once it is full. */
    private static final long FLASHED_AT = 101;
    private static final long FIRST_V2_REPORT = FLASHED_AT + STEPS - 1;
    private static final long LAST = 260;

    @TempDir
    Path dir;

    /** A board's model: the engine and how it quantizes readings. */
    private record Firmware(Model model, InputQuantizer quantizer) {
        static Firmware of(byte[] tflite) throws Exception {
            Model model = Model.load(tflite);
            return new Firmware(model, new InputQuantizer(new Normalization.None(), model.input().scale(),
                    model.input().zeroPoint()));
        }

        /** The window of the readings from seq - STEPS + 1 to seq, quantized as this model takes them. */
        byte[] window(List<List<Float>> values, long seq) {
            byte[] window = new byte[STEPS * CHANNELS];
            for (int t = 0; t < STEPS; t++) {
                quantizer.quantizeRow(values.get((int) (seq - STEPS + 1 + t)), window, t * CHANNELS);
            }
            return window;
        }
    }

    @Test
    void devicesMoveToANewModelWhileTheApplicationRunsWithNothingLostDuplicatedOrFalselyRaised(KafkaCluster kafka)
            throws Exception {
        StreamsFixture fixture = new StreamsFixture(kafka, dir, """
                models:
                  v1: {file: seed.tflite, labels: [c0, c1, c2, c3, c4]}
                  v2: {file: seed-v2.tflite, labels: [c0, c1, c2, c3, c4]}
                assign:
                  default: v1
                detector:
                  stuckRunLength: 20
                  minDistinctInputs: 10
                  staleRunLength: 20
                """);
        byte[] v2File = SeedModels.bytes(SeedModels.Spec.fieldReport(2));
        Files.write(dir.resolve("seed-v2.tflite"), v2File);
        Firmware v1 = Firmware.of(SeedModels.bytes(SeedModels.Spec.fieldReport(1)));
        Firmware v2 = Firmware.of(v2File);
        assertThat(v1.model().modelId()).isNotEqualTo(v2.model().modelId());

        // Readings by device, index = seq (index 0 unused).
        Map<String, List<List<Float>>> values = new HashMap<>();
        Random random = new Random(7);
        for (String device : DEVICES) {
            List<List<Float>> rows = new ArrayList<>();
            rows.add(List.of());
            for (long seq = 1; seq <= LAST; seq++) {
                List<Float> row = new ArrayList<>();
                for (int c = 0; c < CHANNELS; c++) {
                    row.add((float) (random.nextGaussian() * 1.5));
                }
                rows.add(row);
            }
            values.put(device, rows);
        }

        Topics topics = fixture.topics();
        List<Prediction> predictions = new CopyOnWriteArrayList<>();
        List<BoardComparison> comparisons = new CopyOnWriteArrayList<>();
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        List<DeviceHealth> health = new CopyOnWriteArrayList<>();
        ModelConfig config = ModelConfig.load(fixture.configFile);
        try (FlatlineStreams app = FlatlineStreams.start(new StreamsSettings(fixture.configFile,
                kafka.bootstrapServers(), fixture.instance("a"), Optional.empty()), FleetModels.load(config));
             AutoCloseable p = fixture.collect(topics.predictions(), predictions);
             AutoCloseable c = fixture.collect(topics.boardComparisons(), comparisons);
             AutoCloseable a = fixture.collect(topics.alerts(), alerts);
             AutoCloseable h = fixture.collect(topics.deviceHealth(), health);
             var producer = new KafkaProducer<>(Map.<String, Object>of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new org.apache.kafka.common.serialization
                     .StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            app.awaitRunning(Duration.ofSeconds(60));
            // The fleet in time order, as ingest publishes it: each reading, then its board's report of the window
            // it completes. The moved boards report nothing while their new window fills.
            for (long seq = 1; seq <= LAST; seq++) {
                long time = 1_000_000 + seq * 100;
                for (String device : DEVICES) {
                    SensorReading reading = SensorReading.newBuilder().setDeviceId(device).setSeq(seq)
                            .setTimestamp(Instant.ofEpochMilli(time)).setValues(values.get(device).get((int) seq))
                            .setQuality(Quality.GOOD).build();
                    producer.send(new ProducerRecord<>(topics.sensorReadings().name(), null, time, device,
                            topics.sensorReadings().valueSerializer().serialize(topics.sensorReadings().name(),
                                    reading)));
                    boolean moved = MOVED.contains(device) && seq >= FLASHED_AT;
                    if (seq < STEPS || moved && seq < FIRST_V2_REPORT) {
                        continue;
                    }
                    Firmware firmware = moved ? v2 : v1;
                    byte[] window = firmware.window(values.get(device), seq);
                    BoardInference report = BoardInference.newBuilder().setDeviceId(device)
                            .setTimestamp(Instant.ofEpochMilli(time + 1)).setInferenceCount(seq).setWindowEndSeq(seq)
                            .setInputCrc32(InputQuantizer.crc32(window))
                            .setNetOut(ByteBuffer.wrap(firmware.model().run(window, Arithmetic.LITERT)))
                            .setModelId(firmware.model().modelId()).build();
                    producer.send(new ProducerRecord<>(topics.boardInferences().name(), null, time + 1, device,
                            topics.boardInferences().valueSerializer().serialize(topics.boardInferences().name(),
                                    report)));
                }
            }
            producer.flush();
            // Done when every device's last window is predicted.
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> DEVICES.stream()
                    .allMatch(d -> predictions.stream().anyMatch(x -> x.getDeviceId().equals(d)
                            && x.getWindowEndSeq() == LAST)));
            await().atMost(Duration.ofSeconds(30)).until(() -> MOVED.stream().allMatch(d -> health.stream()
                    .anyMatch(x -> x.getDeviceId().equals(d) && v2.model().modelId().equals(x.getModelId()))));
        }

        Map<String, List<Prediction>> byDevice = predictions.stream().collect(Collectors.groupingBy(
                Prediction::getDeviceId));
        for (String device : DEVICES) {
            List<Prediction> own = byDevice.get(device);
            List<Long> seqs = own.stream().map(Prediction::getWindowEndSeq).toList();
            assertThat(seqs).as("%s: one prediction per window, in order", device).isSorted().doesNotHaveDuplicates();
            for (Prediction prediction : own) {
                Firmware firmware = prediction.getModelId().equals(v2.model().modelId()) ? v2 : v1;
                byte[] window = firmware.window(values.get(device), prediction.getWindowEndSeq());
                assertThat(prediction.getNetOut().array()).as("%s window %d", device, prediction.getWindowEndSeq())
                        .containsExactly(firmware.model().run(window, Arithmetic.LITERT));
                assertThat(prediction.getInputCrc32()).isEqualTo(InputQuantizer.crc32(window));
            }
            if (!MOVED.contains(device)) {
                assertThat(seqs).as("%s: every window", device).containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(STEPS, LAST).boxed().toList());
                assertThat(own).allSatisfy(x -> assertThat(x.getModelId()).isEqualTo(v1.model().modelId()));
                continue;
            }
            // v1 up to the cut, v2 after it, one change, no window left out: v2's first window is filled from the
            // readings the reference holds. The cut is the board's first v2 window when its report comes first, and
            // the next window when its reading does.
            List<String> models = own.stream().map(Prediction::getModelId).distinct().toList();
            assertThat(models).as("%s: the models in order", device)
                    .containsExactly(v1.model().modelId(), v2.model().modelId());
            long lastV1 = own.stream().filter(x -> x.getModelId().equals(v1.model().modelId()))
                    .mapToLong(Prediction::getWindowEndSeq).max().orElseThrow();
            assertThat(lastV1).as("%s: the cut comes with the first report of v2", device)
                    .isBetween(FIRST_V2_REPORT - 1, LAST - 1);
            assertThat(seqs).as("%s: every window", device).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(STEPS, LAST).boxed().toList());
        }
        assertThat(alerts).filteredOn(x -> x.getState() == AlertState.RAISED).as("alarms raised").isEmpty();
        assertThat(comparisons).isNotEmpty().allSatisfy(x -> {
            assertThat(x.getInputMatch()).as("%s window %d", x.getDeviceId(), x.getWindowEndSeq()).isTrue();
            assertThat(x.getMaxAbsDiffLsb()).isZero();
        });
        Map<String, Long> v2Compared = comparisons.stream()
                .filter(x -> v2.model().modelId().equals(x.getModelId()))
                .collect(Collectors.groupingBy(BoardComparison::getDeviceId, Collectors.counting()));
        assertThat(v2Compared.keySet()).containsExactlyInAnyOrderElementsOf(MOVED);
    }
}

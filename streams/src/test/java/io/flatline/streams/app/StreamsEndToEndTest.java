package io.flatline.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
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

import io.flatline.broker.KafkaCluster;
import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Model;
import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSource;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Diagnosis;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.EngineReferenceModel;
import io.flatline.streams.quantize.InputQuantizer;
import io.flatline.streams.quantize.Normalization;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams application against a real broker: a fleet of four boards, each with its own fault, and the
 * reference computed independently here with the engine on the same quantized windows.
 */
@ExtendWith(KafkaClusterExtension.class)
class StreamsEndToEndTest {

    private static final int STEPS = StreamsFixture.STEPS;
    private static final int CHANNELS = StreamsFixture.CHANNELS;
    private static final int READINGS = 140;

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void eachFaultRaisesItsAlertWithItsDiagnosisAndHealthyDevicesRaiseNone(KafkaCluster kafka) throws Exception {
        StreamsFixture fixture = new StreamsFixture(kafka, dir, StreamsFixture.defaultConfig() + """
                comparison:
                  divergenceRun: 5
                """);
        Path configFile = fixture.configFile;
        Path modelFile = dir.resolve("seed.tflite");
        Map<String, String> props = fixture.instance("a");
        ModelConfig config = ModelConfig.load(configFile);
        StreamsSettings settings = new StreamsSettings(configFile, kafka.bootstrapServers(), props,
                Optional.of(new InetSocketAddress("127.0.0.1", 0)));
        Topics topics = settings.topics();
        FlatlineStreams app = FlatlineStreams.start(settings, config, EngineReferenceModel.load(config.defaultModel()));
        closing.add(app);
        app.awaitRunning(Duration.ofSeconds(60));

        List<Prediction> predictions = new CopyOnWriteArrayList<>();
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        closing.add(fixture.collect(topics.predictions(), predictions));
        closing.add(fixture.collect(topics.alerts(), alerts));

        Model model = Model.load(modelFile);
        InputQuantizer quantizer = new InputQuantizer(new Normalization.None(), model.input().scale(),
                model.input().zeroPoint());
        InputQuantizer wrongScale = new InputQuantizer(new Normalization.None(), model.input().scale() * 2,
                model.input().zeroPoint());
        Map<String, List<byte[]>> expected = new HashMap<>();
        Random random = new Random(7);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                topics.sensorReadings().keySerializer(), topics.sensorReadings().valueSerializer());
             var boards = new KafkaProducer<>(Map.<String, Object>of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                     topics.boardInferences().keySerializer(), topics.boardInferences().valueSerializer())) {
            Map<String, List<byte[]>> rows = new HashMap<>();
            Map<String, List<byte[]>> boardRows = new HashMap<>();
            for (long seq = 1; seq <= READINGS; seq++) {
                for (String device : List.of("healthy", "npu-stuck", "mismatch", "stale")) {
                    List<Float> values = new ArrayList<>();
                    for (int c = 0; c < CHANNELS; c++) {
                        values.add(device.equals("stale") ? 0.5f * c : (float) (random.nextGaussian() * 1.5));
                    }
                    Instant at = Instant.ofEpochMilli(1_000_000 + seq * 100);
                    producer.send(new ProducerRecord<>(topics.sensorReadings().name(), device,
                            SensorReading.newBuilder().setDeviceId(device).setSeq(seq).setTimestamp(at)
                                    .setValues(values).setQuality(Quality.GOOD).build()));
                    window(rows, device, quantizer.quantizeRow(values));
                    window(boardRows, device, (device.equals("mismatch") ? wrongScale : quantizer).quantizeRow(values));
                    if (seq < STEPS) {
                        continue;
                    }
                    byte[] referenceWindow = flatten(rows.get(device));
                    expected.computeIfAbsent(device, d -> new ArrayList<>()).add(model.run(referenceWindow, Arithmetic.LITERT));
                    byte[] boardWindow = flatten(boardRows.get(device));
                    byte[] boardOut = device.equals("npu-stuck") ? new byte[] {-128, -128, 127, -128, -128}
                            : model.run(boardWindow, Arithmetic.LITERT);
                    boards.send(new ProducerRecord<>(topics.boardInferences().name(), device,
                            BoardInference.newBuilder().setDeviceId(device).setTimestamp(at).setInferenceCount(seq)
                                    .setWindowEndSeq(seq).setInputCrc32(InputQuantizer.crc32(boardWindow))
                                    .setNetOut(ByteBuffer.wrap(boardOut)).build()));
                }
            }
        }

        int perDevice = READINGS - STEPS + 1;
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(predictions).hasSize(4 * perDevice));
        for (String device : expected.keySet()) {
            List<byte[]> got = predictions.stream().filter(p -> p.getDeviceId().equals(device))
                    .map(p -> p.getNetOut().array()).toList();
            assertThat(got).as("reference outputs of %s", device).hasSize(perDevice);
            for (int i = 0; i < perDevice; i++) {
                assertThat(got.get(i)).as("%s window %d", device, i).containsExactly(expected.get(device).get(i));
            }
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(raised(alerts, "npu-stuck")).anySatisfy(a -> {
                assertThat(a.getKind()).isEqualTo(AlertKind.STUCK_OUTPUT);
                assertThat(a.getSource()).isEqualTo(AlertSource.BOARD);
                assertThat(a.getDiagnosis()).isEqualTo(Diagnosis.BOARD_RUNTIME);
            });
            assertThat(raised(alerts, "mismatch")).anySatisfy(a -> {
                assertThat(a.getKind()).isEqualTo(AlertKind.INPUT_MISMATCH);
                assertThat(a.getDiagnosis()).isEqualTo(Diagnosis.PREPROCESSING_MISMATCH);
            });
            assertThat(raised(alerts, "stale")).extracting(Alert::getKind).containsOnly(AlertKind.SENSOR_STALE);
        });
        assertThat(raised(alerts, "healthy")).isEmpty();
        assertThat(raised(alerts, "stale")).extracting(Alert::getSource)
                .containsExactlyInAnyOrder(AlertSource.REFERENCE, AlertSource.BOARD);

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> device = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + app.httpPort() + "/devices/npu-stuck")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(device.statusCode()).isEqualTo(200);
        assertThat(device.body()).contains("\"openAlerts\"").contains("STUCK_OUTPUT").contains("BOARD_RUNTIME")
                .contains("\"validation\"").contains("\"nse\"").contains("\"cos\"");
        assertThat(device.body()).contains("\"firstOut\" : true").contains("\"episodeId\" : \"npu-stuck#");
        // Three faulty boards, three root causes, however many alarms each raised.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> fleet = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + app.httpPort() + "/fleet")).build(), HttpResponse.BodyHandlers.ofString());
            com.fasterxml.jackson.databind.JsonNode summary = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(fleet.body());
            assertThat(summary.get("devices").asInt()).isEqualTo(4);
            assertThat(summary.get("rootCauses").asInt()).isEqualTo(3);
            assertThat(summary.get("diagnoses").get("BOARD_RUNTIME").asInt()).isEqualTo(1);
            assertThat(summary.get("diagnoses").get("PREPROCESSING_MISMATCH").asInt()).isEqualTo(1);
            assertThat(summary.get("diagnoses").get("UNKNOWN").asInt()).isEqualTo(1);
        });

        // A record that is not what its topic holds, in either input, goes to the dead-letter topic; the application
        // keeps going.
        try (var raw = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            raw.send(new ProducerRecord<>(topics.sensorReadings().name(), "healthy", "{\"not\": \"avro\"}")).get();
            raw.send(new ProducerRecord<>(topics.boardInferences().name(), "healthy", "not a report either")).get();
        }
        List<String> deadLetters = new CopyOnWriteArrayList<>();
        closing.add(fixture.collect(new Topic<>("dead-letters", props.get(StreamsSettings.DEAD_LETTER_TOPIC),
                org.apache.kafka.common.serialization.Serdes.String(),
                org.apache.kafka.common.serialization.Serdes.String(), false), deadLetters));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(deadLetters).containsExactlyInAnyOrder("{\"not\": \"avro\"}", "not a report either"));
        assertThat(app.streams().state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);
    }

    private static List<Alert> raised(List<Alert> alerts, String device) {
        return alerts.stream().filter(a -> a.getDeviceId().equals(device) && a.getState() == AlertState.RAISED).toList();
    }

    private static void window(Map<String, List<byte[]>> rows, String device, byte[] row) {
        List<byte[]> w = rows.computeIfAbsent(device, d -> new ArrayList<>());
        w.add(row);
        if (w.size() > STEPS) {
            w.remove(0);
        }
    }

    private static byte[] flatten(List<byte[]> rows) {
        byte[] out = new byte[rows.size() * CHANNELS];
        for (int t = 0; t < rows.size(); t++) {
            System.arraycopy(rows.get(t), 0, out, t * CHANNELS, CHANNELS);
        }
        return out;
    }
}

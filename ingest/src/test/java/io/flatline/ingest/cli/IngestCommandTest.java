package io.flatline.ingest.cli;

import io.flatline.broker.EmbeddedKafka;
import io.flatline.ingest.modbus.FakeModbusServer;
import io.flatline.ingest.publish.TopicReader;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class IngestCommandTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final FakeModbusServer device = FakeModbusServer.start(0);

    @AfterEach
    void stop() {
        assertThat(device.functionCodes().keySet()).isSubsetOf(3, 4);
        device.close();
    }

    private int run(IngestCommand command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path map(String yaml) throws IOException {
        return Files.writeString(dir.resolve("devices.yaml"), yaml);
    }

    private Path mapOfTheFakeDevice() throws IOException {
        device.holding(0, 0x4049, 0x0FDB);
        device.holding(2, 250);
        return map("""
                devices:
                  - id: press-7
                    host: 127.0.0.1
                    port: %d
                    interval: 50ms
                    channels:
                      - {name: pressure, register: 40001, type: float32}
                      - {name: temperature, register: 40003, type: int16, scale: 0.1, max: 100}
                """.formatted(device.port()));
    }

    @Test
    void checkReportsEveryProblemOnItsOwnLineWithoutAStackTrace() throws IOException {
        Path file = map("""
                devices:
                  - id: a
                    host: h
                    interval: fast
                    channels: [{name: x, address: 3, type: int16}]
                """);
        assertThat(run(new IngestCommand(), "check", "--devices", file.toString())).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly(
                file + ":4: devices[0].interval: 'fast' is not a duration such as 100ms, 1.5s, 2m or 1h",
                file + ":5: devices[0].channels[0].kind: missing: holding or input (needed with a 0-based address)");
    }

    @Test
    void checkSummarisesAValidMap() throws IOException {
        Path file = mapOfTheFakeDevice();
        assertThat(run(new IngestCommand(), "check", "--devices", file.toString())).isEqualTo(0);
        assertThat(out.toString()).contains("1 devices, valid").contains("press-7: tcp://127.0.0.1:" + device.port())
                .contains("1 block reads [h0+3]");
    }

    @Test
    void probeReadsEachDeviceOnceAndPrintsTheDecodedValues() throws IOException {
        Path file = mapOfTheFakeDevice();
        assertThat(run(new IngestCommand(), "check", "--devices", file.toString(), "--probe")).isEqualTo(0);
        assertThat(out.toString()).contains("press-7: GOOD").containsPattern("pressure\\s+3\\.1415927")
                .containsPattern("(?m)temperature\\s+25\\.0$");
        assertThat(device.requests()).isEqualTo(1);
    }

    @Test
    void probeOfADeviceThatDoesNotAnswerSaysWhyAndFails() throws IOException {
        device.mode(FakeModbusServer.Mode.ILLEGAL_ADDRESS);
        Path file = mapOfTheFakeDevice();
        assertThat(run(new IngestCommand(), "check", "--devices", file.toString(), "--probe")).isEqualTo(3);
        assertThat(out.toString()).contains("press-7: READ_ERROR").contains("exception reply");
    }

    @Test
    void ingestWithoutItsOptionsIsAUsageError() {
        assertThat(run(new IngestCommand())).isEqualTo(2);
        assertThat(err.toString()).contains("ingest needs --devices FILE and --bootstrap-servers HOST:PORT");
    }

    @Test
    void ingestPublishesToKafkaServesMetricsAndStopsCleanly() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.shared();
        String topic = "cli-" + UUID.randomUUID();
        kafka.createTopic(topic, 1);
        kafka.createTopic(topic + ".inferences", 1);
        int metricsPort;
        try (ServerSocket free = new ServerSocket(0)) {
            metricsPort = free.getLocalPort();
        }
        Path file = mapOfTheFakeDevice();
        Path client = Files.writeString(dir.resolve("client.properties"), "linger.ms=5\nclient.id=from-file\n");
        IngestCommand command = new IngestCommand();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run(command, "--devices", file.toString(),
                "--bootstrap-servers", kafka.bootstrapServers(), "--property", "flatline.topic.sensor-readings=" + topic,
                "--property", "flatline.topic.board-inferences=" + topic + ".inferences",
                "--properties-file", client.toString(), "--property", "client.id=ingest-under-test",
                "--state-dir", dir.resolve("state").toString(), "--metrics-port", String.valueOf(metricsPort)));

        List<ConsumerRecord<String, SensorReading>> records = TopicReader.read(kafka.bootstrapServers(),
                Topics.fromConfig(Map.of("flatline.topic.sensor-readings", topic)).sensorReadings(), 3, Duration.ofSeconds(30));
        assertThat(records).hasSizeGreaterThanOrEqualTo(3).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo("press-7");
            assertThat(r.value().getQuality()).isEqualTo(Quality.GOOD);
            assertThat(r.value().getValues()).containsExactly(3.14159274f, 25.0f);
        });
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("flatline_ingest_polls_total{device=\"press-7\"}")
                .contains("flatline_ingest_last_success_timestamp_seconds{device=\"press-7\"}");

        command.stop();
        assertThat(exit.get()).isEqualTo(0);
        assertThat(Files.readString(dir.resolve("state/seq-clocks.properties"))).contains("press-7=50000000 ");
        assertThat(err.toString()).isEmpty();
    }
}

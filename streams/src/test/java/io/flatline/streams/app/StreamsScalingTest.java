package io.flatline.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.flatline.broker.KafkaCluster;
import io.flatline.schemas.Prediction;
import io.flatline.streams.cli.StreamsCommand;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.EngineReferenceModel;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Several instances sharing the work, and an instance killed mid-stream, through a real broker. */
@ExtendWith(KafkaClusterExtension.class)
class StreamsScalingTest {

    private static final List<String> DEVICES = List.of("d1", "d2", "d3", "d4", "d5", "d6");
    private static final String ODD_ID = "press 7 % ?#ü";

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private FlatlineStreams start(StreamsFixture fixture, String name) throws Exception {
        return start(fixture, fixture.instance(name));
    }

    private FlatlineStreams start(StreamsFixture fixture, Map<String, String> properties) throws Exception {
        ModelConfig config = ModelConfig.load(fixture.configFile);
        FlatlineStreams app = FlatlineStreams.start(new StreamsSettings(fixture.configFile,
                fixture.kafka.bootstrapServers(), properties, Optional.of(new InetSocketAddress("127.0.0.1", 0))),
                config, EngineReferenceModel.load(config.defaultModel()));
        closing.add(app);
        return app;
    }

    @Test
    void twoInstancesShareThePartitionsAndEitherAnswersForEveryDevice(KafkaCluster kafka) throws Exception {
        StreamsFixture fixture = new StreamsFixture(kafka, dir, StreamsFixture.defaultConfig());
        FlatlineStreams first = start(fixture, "a");
        FlatlineStreams second = start(fixture, "b");
        await().atMost(Duration.ofSeconds(90)).until(() -> first.streams().state() == KafkaStreams.State.RUNNING
                && second.streams().state() == KafkaStreams.State.RUNNING
                && !first.streams().metadataForLocalThreads().iterator().next().activeTasks().isEmpty()
                && !second.streams().metadataForLocalThreads().iterator().next().activeTasks().isEmpty());

        fixture.sendReadings(DEVICES, 1, 60, 3);
        fixture.sendReadings(List.of(ODD_ID), 1, 60, 4);
        HttpClient http = HttpClient.newHttpClient();
        for (FlatlineStreams instance : List.of(first, second)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                String all = get(http, instance.httpPort(), "/devices").body();
                for (String device : DEVICES) {
                    assertThat(all).contains("\"deviceId\" : \"" + device + "\"");
                }
            });
            for (String device : DEVICES) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    HttpResponse<String> one = get(http, instance.httpPort(), "/devices/" + device);
                    assertThat(one.statusCode()).as(device).isEqualTo(200);
                    assertThat(one.body()).contains("\"deviceId\" : \"" + device + "\"").contains("\"lastSeq\" : 60");
                });
            }
            assertThat(get(http, instance.httpPort(), "/fleet").body()).contains("\"devices\" : 7");
            assertThat(get(http, instance.httpPort(), "/devices/nope").statusCode()).isEqualTo(404);
            // An id with a space, %, ?, # and non-ASCII letters, wherever its partition is.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> odd = get(http, instance.httpPort(), "/devices/" + ODD_ID);
                assertThat(odd.statusCode()).isEqualTo(200);
                assertThat(odd.body()).contains("\"lastSeq\" : 60");
                // A view of a device is routed the same way, its id still one segment.
                HttpResponse<String> layers = get(http, instance.httpPort(), "/devices/" + ODD_ID + "/layers");
                assertThat(layers.statusCode()).isEqualTo(200);
                assertThat(layers.body()).contains("\"deviceId\" : \"" + ODD_ID + "\"").contains("\"windowEndSeq\" : 60");
            });
        }
    }

    /** A fleet-wide answer with an instance that does not answer says so, and which: never a partial fleet as whole. */
    @Test
    void aFleetWideAnswerNamesTheInstanceThatDidNotAnswer(KafkaCluster kafka) throws Exception {
        StreamsFixture fixture = new StreamsFixture(kafka, dir, StreamsFixture.defaultConfig());
        FlatlineStreams first = start(fixture, "a");
        // The second advertises an address where nothing listens, as an instance whose API is down would be.
        int nobody;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            nobody = socket.getLocalPort();
        }
        Map<String, String> unreachable = new java.util.HashMap<>(fixture.instance("b"));
        unreachable.put("application.server", "127.0.0.1:" + nobody);
        FlatlineStreams second = start(fixture, unreachable);
        await().atMost(Duration.ofSeconds(90)).until(() -> first.streams().state() == KafkaStreams.State.RUNNING
                && second.streams().state() == KafkaStreams.State.RUNNING
                && !second.streams().metadataForLocalThreads().iterator().next().activeTasks().isEmpty());
        fixture.sendReadings(DEVICES, 1, 60, 8);

        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            HttpResponse<String> fleet = get(http, first.httpPort(), "/fleet");
            assertThat(fleet.statusCode()).isEqualTo(503);
            assertThat(fleet.body()).contains("127.0.0.1:" + nobody).contains("\"missing\"");
        });
    }

    @Test
    void anInstanceKilledMidStreamLosesAndDuplicatesNoPrediction(KafkaCluster kafka) throws Exception {
        StreamsFixture fixture = new StreamsFixture(kafka, dir, StreamsFixture.defaultConfig());
        List<Prediction> predictions = new CopyOnWriteArrayList<>();
        closing.add(fixture.collect(fixture.topics().predictions(), predictions));

        Process child = startChild(fixture, "a");
        try {
            fixture.sendReadings(DEVICES, 1, 150, 5);
            // Kill it as a power cut would, once it is well into the work but not done.
            await().atMost(Duration.ofSeconds(90)).until(() -> predictions.size() >= 60);
            child.destroyForcibly().waitFor();
        } finally {
            child.destroyForcibly();
        }
        int beforeRestart = predictions.size();
        assertThat(beforeRestart).isLessThan(DEVICES.size() * 101);

        fixture.sendReadings(DEVICES, 151, 200, 6);
        start(fixture, "a");
        int expected = DEVICES.size() * (200 - StreamsFixture.STEPS + 1);
        await().atMost(Duration.ofSeconds(120)).until(() -> predictions.size() >= expected);
        // Let anything that would be a duplicate arrive before judging.
        Thread.sleep(2_000);

        Map<String, List<Long>> seqs = predictions.stream().collect(Collectors.groupingBy(Prediction::getDeviceId,
                Collectors.mapping(Prediction::getWindowEndSeq, Collectors.toList())));
        for (String device : DEVICES) {
            List<Long> got = seqs.get(device);
            Set<Long> distinct = new HashSet<>(got);
            assertThat(got).as("%s: no duplicates", device).hasSameSizeAs(distinct);
            assertThat(distinct).as("%s: no gaps", device).hasSize(200 - StreamsFixture.STEPS + 1);
            assertThat(got).as("%s: in order", device).isSorted();
        }
    }

    /**
     * SIGTERM (what Kubernetes sends, and Ctrl-C) stops the service in seconds, well within the 30 s grace period,
     * with every prediction of what it had read committed.
     */
    @Test
    void sigtermStopsTheServiceInSecondsWithItsWorkCommitted(KafkaCluster kafka) throws Exception {
        StreamsFixture fixture = new StreamsFixture(kafka, dir, StreamsFixture.defaultConfig());
        List<Prediction> predictions = new CopyOnWriteArrayList<>();
        closing.add(fixture.collect(fixture.topics().predictions(), predictions));
        Process child = startChild(fixture, "a");
        try {
            fixture.sendReadings(DEVICES, 1, 80, 7);
            int expected = DEVICES.size() * (80 - StreamsFixture.STEPS + 1);
            await().atMost(Duration.ofSeconds(90)).until(() -> predictions.size() >= expected);

            long asked = System.nanoTime();
            child.destroy();
            assertThat(child.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("stopped within 10 s").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(10));
            assertThat(predictions).hasSize(expected);
        } finally {
            child.destroyForcibly();
        }
    }

    private Process startChild(StreamsFixture fixture, String name) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), StreamsCommand.class.getName(),
                "--config", fixture.configFile.toString(), "--bootstrap-servers", fixture.kafka.bootstrapServers(),
                "--http", "none"));
        for (Map.Entry<String, String> p : fixture.instance(name).entrySet()) {
            command.add("--property");
            command.add(p.getKey() + "=" + p.getValue());
        }
        // Kept in target/ for a look after a failure; the temporary directory is gone by then.
        File log = Path.of("target", fixture.prefix + "-" + name + ".log").toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(new URI("http", null, "127.0.0.1", port, path, null, null)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

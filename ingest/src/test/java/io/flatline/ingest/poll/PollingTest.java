package io.flatline.ingest.poll;

import io.flatline.ingest.devicemap.DeviceMap;
import io.flatline.ingest.devicemap.DeviceMapLoader;
import io.flatline.ingest.metrics.IngestMetrics;
import io.flatline.ingest.modbus.FakeModbusServer;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The service against real TCP servers that misbehave the way field devices do. */
class PollingTest {
    private final List<FakeModbusServer> servers = new ArrayList<>();
    private final RecordingSink sink = new RecordingSink();
    private final IngestMetrics metrics = new IngestMetrics();
    private IngestService service;

    private FakeModbusServer server(int port) {
        FakeModbusServer server = FakeModbusServer.start(port);
        servers.add(server);
        return server;
    }

    /** A device per port: two float32 channels at input 0 (range 0..100), a board block at input 10. */
    private IngestService start(String interval, String timeout, int... ports) throws Exception {
        StringBuilder yaml = new StringBuilder("""
                defaults:
                  host: 127.0.0.1
                  interval: %s
                  timeout: %s
                  maxGap: 8
                  channels:
                    - {name: a, register: 30001, type: float32, min: 0, max: 100}
                    - {name: b, register: 30003, type: float32}
                  board:
                    counter: {register: 30011}
                    inputCrc32: {register: 30013}
                    netOut: {register: 30015, count: 3}
                devices:
                """.formatted(interval, timeout));
        for (int port : ports) {
            yaml.append("  - {id: dev-").append(port).append(", port: ").append(port).append("}\n");
        }
        DeviceMap map = DeviceMapLoader.parse(Path.of("test.yaml"), yaml.toString());
        service = new IngestService(map, sink, metrics);
        service.start();
        return service;
    }

    private static void values(FakeModbusServer server, float a, float b, long counter) {
        server.input(0, Float.floatToIntBits(a) >>> 16, Float.floatToIntBits(a));
        server.input(2, Float.floatToIntBits(b) >>> 16, Float.floatToIntBits(b));
        server.input(10, (int) (counter >>> 16), (int) counter);
        server.input(12, 0xCBF4, 0x3926);
        server.input(14, 0x01FF, 0x8000);
    }

    @AfterEach
    void stopAndCheckNothingButReadsWasSent() {
        if (service != null) {
            service.close();
        }
        for (FakeModbusServer server : servers) {
            assertThat(server.functionCodes().keySet()).isSubsetOf(3, 4);
            server.close();
        }
    }

    @Test
    void publishesOneReadingPerPollAndAnInferenceWhenTheCounterMoves() throws Exception {
        FakeModbusServer device = server(0);
        values(device, 12.5f, -3f, 7);
        start("20ms", "500ms", device.port());
        String id = "dev-" + device.port();

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.count(id, Quality.GOOD) >= 5);
        SensorReading reading = sink.readings(id).get(0);
        assertThat(reading.getValues()).containsExactly(12.5f, -3f);
        List<Long> seqs = sink.readings(id).stream().map(SensorReading::getSeq).toList();
        assertThat(seqs).isSorted().doesNotHaveDuplicates();
        // One block read per poll for both kinds of data: channels and board merged across the gap.
        assertThat(device.requests()).isEqualTo(device.functionCodes().get(4));

        // The counter first seen is not news: only a move is.
        assertThat(sink.inferences(id)).isEmpty();
        values(device, 12.5f, -3f, 8);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.inferences(id).size() == 1);
        BoardInference inference = sink.inferences(id).get(0);
        assertThat(inference.getInferenceCount()).isEqualTo(8);
        assertThat(inference.getInputCrc32()).isEqualTo(0xCBF43926L);
        assertThat(inference.getNetOut().array()).containsExactly(1, -1, -128);
        // Pinned to the reading of the same poll, so streams can match the board's window with the reference's.
        assertThat(sink.readings(id)).extracting(SensorReading::getSeq).contains(inference.getWindowEndSeq());
    }

    @Test
    void aDeviceGoingDownAndUpIsReportedAndRecovers() throws Exception {
        FakeModbusServer device = server(0);
        int port = device.port();
        values(device, 1, 2, 1);
        start("20ms", "200ms", port);
        String id = "dev-" + port;
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.count(id, Quality.GOOD) >= 3);

        device.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.count(id, Quality.READ_ERROR) >= 2);
        assertThat(sink.readings(id).stream().filter(r -> r.getQuality() == Quality.READ_ERROR).findFirst().orElseThrow()
                .getValues()).isEmpty();

        long goodBefore = sink.count(id, Quality.GOOD);
        FakeModbusServer back = server(port);
        values(back, 3, 4, 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> sink.count(id, Quality.GOOD) > goodBefore + 2);
        List<SensorReading> all = sink.readings(id);
        assertThat(all.get(all.size() - 1).getValues()).containsExactly(3f, 4f);
        assertThat(all.stream().map(SensorReading::getSeq).toList()).isSorted().doesNotHaveDuplicates();
        assertThat(metrics.device(id).failures().get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aGarbageReplyIsAReadErrorAndTheNextGoodReplyIsTrustedAgain() throws Exception {
        FakeModbusServer device = server(0);
        values(device, 5, 6, 1);
        device.mode(FakeModbusServer.Mode.GARBAGE);
        start("20ms", "200ms", device.port());
        String id = "dev-" + device.port();
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.count(id, Quality.READ_ERROR) >= 2);
        assertThat(sink.count(id, Quality.GOOD)).isZero();

        device.mode(FakeModbusServer.Mode.NORMAL);
        await().atMost(Duration.ofSeconds(15)).until(() -> sink.count(id, Quality.GOOD) >= 2);
        assertThat(sink.readings(id).stream().filter(r -> r.getQuality() == Quality.GOOD))
                .allSatisfy(r -> assertThat(r.getValues()).containsExactly(5f, 6f));
    }

    @Test
    void aSlowAndASilentDeviceDoNotDelayAFastOne() throws Exception {
        FakeModbusServer fast = server(0);
        FakeModbusServer slow = server(0);
        FakeModbusServer silent = server(0);
        values(fast, 1, 1, 1);
        values(slow, 2, 2, 1);
        slow.delay(300);
        silent.mode(FakeModbusServer.Mode.SILENT);
        start("20ms", "1s", fast.port(), slow.port(), silent.port());
        String fastId = "dev-" + fast.port();

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.count("dev-" + slow.port(), Quality.GOOD) >= 3);
        List<SensorReading> fastReadings = sink.readings(fastId);
        assertThat(fastReadings).allMatch(r -> r.getQuality() == Quality.GOOD);
        List<Long> seqs = fastReadings.stream().map(SensorReading::getSeq).toList();
        // In the time the slow device answered three polls, the fast one kept its 50 Hz schedule.
        assertThat(seqs.size()).isGreaterThan(25);
        long missed = seqs.get(seqs.size() - 1) - seqs.get(0) + 1 - seqs.size();
        assertThat(missed).isLessThan(seqs.size() / 5);
        assertThat(sink.count("dev-" + silent.port(), Quality.GOOD)).isZero();
    }

    @Test
    void frozenRegistersAreStaleAndImplausibleValuesOutOfRange() throws Exception {
        FakeModbusServer device = server(0);
        values(device, 150, 0, 1);
        DeviceMap map = DeviceMapLoader.parse(Path.of("t.yaml"), """
                devices:
                  - id: d
                    host: 127.0.0.1
                    port: %d
                    interval: 20ms
                    staleAfter: 300ms
                    channels: [{name: a, register: 30001, type: float32, max: 100}]
                """.formatted(device.port()));
        service = new IngestService(map, sink, metrics);
        service.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.count("d", Quality.OUT_OF_RANGE) >= 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.count("d", Quality.STALE) >= 1);
        values(device, 50, 0, 1);
        long stale = sink.count("d", Quality.STALE);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.count("d", Quality.GOOD) >= 1);
        assertThat(sink.count("d", Quality.STALE)).isLessThanOrEqualTo(stale + 1);
    }
}

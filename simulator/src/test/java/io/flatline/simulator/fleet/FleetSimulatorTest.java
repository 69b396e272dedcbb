package io.flatline.simulator.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flatline.ingest.devicemap.Device;
import io.flatline.ingest.devicemap.DeviceMap;
import io.flatline.ingest.devicemap.DeviceMapLoader;
import io.flatline.ingest.devicemap.Endpoint;
import io.flatline.ingest.metrics.IngestMetrics;
import io.flatline.ingest.poll.IngestService;
import io.flatline.ingest.poll.ReadingSink;
import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Model;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.streams.quantize.InputQuantizer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetSimulatorTest {

    private static BoardModel healthy;
    private static BoardModel saturated;

    @BeforeAll
    static void models() {
        healthy = BoardModel.seed(21);
        saturated = BoardModel.saturatedSeed(21);
    }

    @Test
    void planPutsTheFaultsFirstAndTheSaturatedModelOnlyWhereAsked() {
        List<BoardSpec> specs = FleetSimulator.plan(4, List.of(Fault.NPU_STUCK, Fault.SATURATED_MODEL), healthy,
                saturated, 15020, 100);
        assertThat(specs).extracting(BoardSpec::id).containsExactly("board-01", "board-02", "board-03", "board-04");
        assertThat(specs).extracting(BoardSpec::fault)
                .containsExactly(Fault.NPU_STUCK, Fault.SATURATED_MODEL, Fault.HEALTHY, Fault.HEALTHY);
        assertThat(specs).extracting(BoardSpec::port).containsExactly(15020, 15021, 15022, 15023);
        assertThat(specs).extracting(BoardSpec::model).containsExactly(healthy, saturated, healthy, healthy);
        assertThat(specs).extracting(BoardSpec::seed).doesNotHaveDuplicates();
        assertThatThrownBy(() -> FleetSimulator.plan(1, List.of(Fault.NPU_STUCK, Fault.INTERMITTENT), healthy,
                saturated, 0, 0)).hasMessageContaining("2 faults for 1 boards");
        assertThat(Fault.ofLabel("preprocessing-mismatch")).isEqualTo(Fault.PREPROCESSING_MISMATCH);
        assertThatThrownBy(() -> Fault.ofLabel("npu-stck")).hasMessageContaining("npu-stuck");
    }

    @Test
    void boardsServeConcurrentlyEachItsOwnWindowAndCloseReleasesPortsConnectionsAndThreads() throws Exception {
        List<BoardSpec> specs = FleetSimulator.plan(4, List.of(Fault.PREPROCESSING_MISMATCH), healthy, saturated, 0, 7);
        FleetSimulator fleet = FleetSimulator.start(specs);
        Map<String, Integer> ports = fleet.ports();
        assertThat(ports).hasSize(4);
        assertThat(ports.values()).doesNotHaveDuplicates().allSatisfy(p -> assertThat(p).isPositive());
        Model model = healthy.load();
        ExecutorService pollers = Executors.newFixedThreadPool(4);
        List<BoardClient> clients = new ArrayList<>();
        try {
            List<Future<Integer>> matches = new ArrayList<>();
            for (VirtualBoard board : fleet.boards()) {
                BoardClient client = new BoardClient(board.port(), board.outputs());
                clients.add(client);
                Callable<Integer> polling = () -> {
                    BoardClient.ReferenceWindow reference = new BoardClient.ReferenceWindow(model, healthy.normalization());
                    int matched = 0;
                    for (int i = 0; i < 70; i++) {
                        BoardClient.Poll poll = client.poll();
                        reference.add(poll.values());
                        if (reference.full() && poll.crc() == InputQuantizer.crc32(reference.window())) {
                            matched++;
                        }
                    }
                    return matched;
                };
                matches.add(pollers.submit(polling));
            }
            assertThat(matches.get(0).get()).as("the mismatched board").isZero();
            for (int b = 1; b < 4; b++) {
                assertThat(matches.get(b).get()).as("healthy board %d", b + 1).isEqualTo(70 - 49);
            }
            assertThat(fleet.boards()).allSatisfy(b -> assertThat(b.connections()).isEqualTo(1));
        } finally {
            pollers.shutdownNow();
            fleet.close();
        }
        // the clients are still connected: close() dropped their connections all the same
        for (BoardClient client : clients) {
            assertThatThrownBy(client::poll).isInstanceOf(Exception.class);
            client.close();
        }
        for (int port : ports.values()) {
            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("sim-board-"));
        fleet.close(); // idempotent
    }

    @Test
    void aTakenPortFailsTheStartAndClosesTheBoardsAlreadyStarted() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            List<BoardSpec> specs = List.of(new BoardSpec("board-01", Fault.HEALTHY, healthy, 1, 0),
                    new BoardSpec("board-02", Fault.HEALTHY, healthy, 2, port));
            assertThatThrownBy(() -> FleetSimulator.start(specs)).hasMessageContaining(":" + port);
            await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("sim-board-01")));
        }
    }

    /** Ingest itself, in-process, polls the fleet through the generated device map and decodes what the boards hold. */
    @Test
    void ingestReadsTheFleetThroughTheGeneratedDeviceMap(@TempDir Path dir) throws Exception {
        List<BoardSpec> specs = FleetSimulator.plan(2, List.of(Fault.NPU_STUCK), healthy, saturated, 0, 40);
        try (FleetSimulator fleet = FleetSimulator.start(specs)) {
            Path file = fleet.writeDeviceMap(dir.resolve("sim/devices.yaml"), Duration.ofMillis(10));
            DeviceMap map = DeviceMapLoader.load(file);
            assertThat(map.devices()).extracting(Device::id).containsExactly("board-01", "board-02");
            for (Device device : map.devices()) {
                assertThat(device.endpoint()).isEqualTo(new Endpoint.Tcp("127.0.0.1", fleet.ports().get(device.id()), false));
                assertThat(device.unitId()).isEqualTo(1);
                assertThat(device.channels()).extracting(c -> c.name()).containsExactlyElementsOf(SignalGenerator.CHANNEL_NAMES);
                assertThat(device.board()).get().satisfies(b -> assertThat(b.netOut().count()).isEqualTo(5));
            }

            Recording sink = new Recording();
            try (IngestService ingest = new IngestService(map, sink, new IngestMetrics())) {
                ingest.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> sink.inferences("board-02").size() >= 30
                        && sink.inferences("board-01").size() >= 30);
            }
            Model model = healthy.load();
            for (String id : List.of("board-01", "board-02")) {
                List<SensorReading> readings = sink.readings(id);
                assertThat(readings).allSatisfy(r -> assertThat(r.getQuality()).isEqualTo(Quality.GOOD));
                // the n-th reading is the board's n-th sample, and inference k ended at sample k + 49
                BoardClient.ReferenceWindow reference = new BoardClient.ReferenceWindow(model, healthy.normalization());
                List<byte[]> windows = new ArrayList<>();
                for (SensorReading reading : readings) {
                    float[] values = new float[reading.getValues().size()];
                    for (int c = 0; c < values.length; c++) {
                        values[c] = reading.getValues().get(c);
                    }
                    reference.add(values);
                    windows.add(reference.full() ? reference.window() : null);
                }
                List<BoardInference> inferences = sink.inferences(id).stream().filter(i -> i.getInferenceCount() > 0).toList();
                assertThat(inferences).hasSizeGreaterThanOrEqualTo(29);
                for (BoardInference inference : inferences) {
                    int k = (int) inference.getInferenceCount();
                    byte[] window = windows.get(k + 48);
                    assertThat(inference.getInputCrc32()).as("%s inference %d", id, k).isEqualTo(InputQuantizer.crc32(window));
                    byte[] netOut = new byte[inference.getNetOut().remaining()];
                    inference.getNetOut().duplicate().get(netOut);
                    if (id.equals("board-02") || k <= Fault.Timing.DEFAULT.warmUp()) {
                        assertThat(netOut).as("%s inference %d", id, k).containsExactly(model.run(window, Arithmetic.LITERT));
                    }
                }
            }
        }
    }

    private static final class Recording implements ReadingSink {
        private final List<SensorReading> readings = new ArrayList<>();
        private final List<BoardInference> inferences = new ArrayList<>();

        @Override
        public synchronized void publish(SensorReading reading) {
            readings.add(reading);
        }

        @Override
        public synchronized void publish(BoardInference inference) {
            inferences.add(inference);
        }

        synchronized List<SensorReading> readings(String id) {
            return readings.stream().filter(r -> r.getDeviceId().equals(id)).toList();
        }

        synchronized List<BoardInference> inferences(String id) {
            return inferences.stream().filter(r -> r.getDeviceId().equals(id)).toList();
        }
    }
}

package io.flatline.simulator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flatline.ingest.devicemap.DeviceMap;
import io.flatline.ingest.devicemap.DeviceMapLoader;
import io.flatline.ingest.devicemap.Endpoint;
import io.flatline.simulator.fleet.BoardClient;
import io.flatline.simulator.fleet.BoardModel;
import io.flatline.streams.config.ModelConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {

    @Test
    void runsTheFleetWritesTheDeviceMapAndStopsCleanly(@TempDir Path dir) throws Exception {
        BoardModel model = BoardModel.seed(5);
        Path config = model.writeModelConfig(dir.resolve("model"), "fleet", BoardModel.regimeLabels());
        ModelConfig loaded = ModelConfig.load(config);
        assertThat(BoardModel.of(loaded).tflite()).isEqualTo(model.tflite());
        assertThat(BoardModel.of(loaded).normalization().apply(3, 47.25f)).isEqualTo(model.normalization().apply(3, 47.25f));

        SimulateCommand command = new SimulateCommand();
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(command).setOut(new PrintWriter(out));
        Path map = dir.resolve("devices.yaml");
        AtomicInteger exit = new AtomicInteger(-1);
        Thread run = new Thread(() -> exit.set(cli.execute("--boards", "3", "--faults", "npu-stuck,sensor-stale",
                "--config", config.toString(), "--device-map-out", map.toString(), "--interval", "50ms")));
        run.start();
        try {
            assertThat(command.ready.await(30, TimeUnit.SECONDS)).as("started; output so far: %s", out).isTrue();
            assertThat(out.toString()).contains("board-01", "npu-stuck", "board-02", "sensor-stale", "board-03",
                    "healthy", map.toAbsolutePath().toString());
            DeviceMap devices = DeviceMapLoader.load(map);
            assertThat(devices.devices()).hasSize(3);
            assertThat(devices.devices().get(0).interval()).isEqualTo(Duration.ofMillis(50));
            int port = ((Endpoint.Tcp) devices.devices().get(2).endpoint()).port();
            try (BoardClient client = new BoardClient(port, 5)) {
                assertThat(client.poll().values()).hasSize(10);
            }
        } finally {
            command.stop.countDown();
            run.join(15_000);
        }
        assertThat(run.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
        assertThat(out.toString()).contains("Simulation stopped.");
        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("sim-board-")));
    }

    @Test
    void anUnknownFaultIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new SimulateCommand()).setErr(new PrintWriter(err));
        int code = cli.execute("--boards", "2", "--faults", "npu-stuck,flaky", "--device-map-out",
                dir.resolve("d.yaml").toString());
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("'flaky' is no fault");
        assertThat(Files.exists(dir.resolve("d.yaml"))).isFalse();
    }
}

package io.flatline.ingest.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code check --probe} against a Modbus server none of our code controls: Debian's python3-pymodbus, serving
 * values that pymodbus's own payload builder encoded (src/test/resources/acceptance). Runs where that package
 * is installed; docs/ingest.md has the full check through Kafka and a Python Avro decoder.
 */
class PymodbusAcceptanceTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path PYMODBUS = Path.of("/usr/lib/python3/dist-packages/pymodbus");

    @TempDir
    Path dir;
    private Process server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void probeDecodesWhatPymodbusEncoded() throws Exception {
        assumeThat(PYMODBUS).as("Debian's python3-pymodbus").exists();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path resources = Path.of("src/test/resources/acceptance");
        server = new ProcessBuilder(PYTHON.toString(), resources.resolve("pymodbus_server.py").toString(), String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
        int serverPort = port;
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            new Socket("127.0.0.1", serverPort).close();
            return true;
        });
        Path devices = Files.writeString(dir.resolve("devices.yaml"),
                Files.readString(resources.resolve("devices.yaml")).replace("port: 15020", "port: " + port));

        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new IngestCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        // Exit 3: "mode" is outside its configured range on purpose.
        assertThat(cli.execute("check", "--devices", devices.toString(), "--probe")).isEqualTo(3);
        assertThat(out.toString()).contains("pymodbus-1: OUT_OF_RANGE")
                .containsPattern("(?m)flow\\s+21\\.5$").containsPattern("(?m)level\\s+-21\\.0$")
                .containsPattern("(?m)count\\s+3\\.05419904E8$").containsPattern("(?m)energy\\s+1234\\.5677$")
                .containsPattern("(?m)position\\s+-8\\.9999995E9$").containsPattern("mode\\s+513\\.0\\s+out of range")
                .contains("board: inference 7, input CRC-32 cbf43926, net_out [5, -5, 127, -128]");
    }
}

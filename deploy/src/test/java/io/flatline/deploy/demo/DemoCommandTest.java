package io.flatline.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.flatline.deploy.cli.Flatline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code flatline demo} as a user runs it with its output not on a terminal: plain lines, the page's URL, and the
 * log lines of Kafka and the services in a file in the data directory rather than among the view's lines.
 */
class DemoCommandTest {

    @TempDir
    Path data;

    @Test
    void theDemoPrintsThePagesUrlAndSendsTheLogToAFileInItsDataDirectory() throws Exception {
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        String appendersBefore = appenders(root);
        int kafkaPort;
        try (ServerSocket s = new ServerSocket(0)) {
            kafkaPort = s.getLocalPort();
        }
        StringWriter out = new StringWriter();
        CommandLine cmd = Flatline.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        int exit = cmd.execute("demo", "--kafka-port", String.valueOf(kafkaPort), "--data-dir", data.toString(),
                "--duration", "12s", "--boards", "3", "--faults", "npu-stuck,saturated-model", "--http", "127.0.0.1:0");

        assertThat(exit).as(out.toString()).isZero();
        Path log = data.resolve("flatline-demo.log");
        assertThat(out.toString()).containsOnlyOnce("log lines (Kafka's, the services') go to " + log)
                .containsPattern("fleet page on http://127\\.0\\.0\\.1:[0-9]+/;")
                .doesNotContain("the boards running the saturated model")
                .contains("BOARD      SIMULATED FAULT").contains("flatline demo: stopped")
                .doesNotContain(" WARN ").doesNotContain(" INFO ").doesNotContain("\033[");
        assertThat(Files.readString(log)).contains("o.a.k.").contains("Kafka Streams").contains("HTTP API on");
        // The launcher's console appender is back once the demo has stopped.
        assertThat(appenders(root)).isEqualTo(appendersBefore);
    }

    private static String appenders(Logger root) {
        StringBuilder names = new StringBuilder();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            names.append(it.next().getName()).append(' ');
        }
        return names.toString();
    }
}

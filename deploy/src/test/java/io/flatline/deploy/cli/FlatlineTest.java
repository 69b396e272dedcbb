package io.flatline.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FlatlineTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Flatline.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void printsHelp() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: flatline").contains("--version");
    }

    @Test
    void printsTheVersionsThatMatter() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).contains("flatline 0.1.0-SNAPSHOT").contains("Apache Kafka 4.3.1")
                .contains("Apache Avro 1.12.2");
    }

    @Test
    void refusesAnUnknownSubcommand() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("Unmatched argument").contains("frobnicate");
    }
}

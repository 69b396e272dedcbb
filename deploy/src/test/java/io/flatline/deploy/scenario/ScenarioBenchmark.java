package io.flatline.deploy.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The big run: {@link #FLEETS} fleets (a board per {@link ScenarioFault}) over {@link #WINDOWS} windows (53 minutes
 * of polls), more than a million healthy windows; prints the table with every line prefixed {@code SCENARIO }.
 * Runs only when asked for: {@code mvn -B -pl deploy -am test -Dtest=ScenarioBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ScenarioBenchmark {

    private static final int FLEETS = 4;
    private static final long WINDOWS = 32_000;
    private static final long SEED = 1;

    @TempDir
    Path dir;

    @Test
    void diagnosticQuality() {
        assumeThat(System.getProperty("test", "")).as("run with -Dtest=ScenarioBenchmark").contains("ScenarioBenchmark");
        long started = System.nanoTime();
        ScenarioReport report = ScenarioSuite.run(ScenarioPlan.standard(FLEETS, WINDOWS, SEED), dir);
        report.table().lines().forEach(line -> System.out.println("SCENARIO " + line));
        System.out.printf("SCENARIO %nSCENARIO ran in %d s%n", (System.nanoTime() - started) / 1_000_000_000);
        assertThat(report.healthyWindows()).as("healthy windows").isGreaterThanOrEqualTo(1_000_000);
    }
}

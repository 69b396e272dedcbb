package io.flatline.deploy.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.OptionalLong;

import io.flatline.deploy.scenario.ScenarioReport.Outcome;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diagnostic quality targets, on one fleet (a board per {@link ScenarioFault}) over 3000 windows (5 minutes
 * of polls): one test per target, all on the same run, whose table is printed with the test's output.
 */
class ScenarioSuiteTest {

    private static final long SEED = 1;
    private static final long WINDOWS = 3000;

    @TempDir
    static Path dir;

    private static ScenarioReport report;

    @BeforeAll
    static void run() {
        report = ScenarioSuite.run(ScenarioPlan.standard(1, WINDOWS, SEED), dir);
        System.out.println(report.table());
    }

    @Test
    void everyFaultIsDetected() {
        SoftAssertions soft = new SoftAssertions();
        for (Outcome outcome : report.outcomes()) {
            soft.assertThat(outcome.detected()).as("%s on %s, windows %d..%d", outcome.fault().label(),
                    outcome.board(), outcome.span().from(), outcome.span().to()).isTrue();
        }
        soft.assertAll();
    }

    @Test
    void theMedianDetectionDelayIsWithinEachFaultsTarget() {
        SoftAssertions soft = new SoftAssertions();
        for (ScenarioFault fault : report.faults()) {
            OptionalLong p50 = report.p50Delay(fault);
            soft.assertThat(p50).as("p50 detection delay of %s, in windows", fault.label()).isPresent();
            p50.ifPresent(delay -> soft.assertThat(delay).as("p50 detection delay of %s, in windows", fault.label())
                    .isLessThanOrEqualTo(fault.delayTarget()));
        }
        soft.assertAll();
    }

    @Test
    void everyDiagnosisIsRight() {
        SoftAssertions soft = new SoftAssertions();
        for (Outcome outcome : report.outcomes()) {
            soft.assertThat(outcome.finding()).as("%s on %s, windows %d..%d", outcome.fault().label(), outcome.board(),
                    outcome.span().from(), outcome.span().to()).isEqualTo(outcome.fault().expected().orElseThrow());
        }
        soft.assertAll();
    }

    @Test
    void healthyWindowsRaiseNothingHoweverTheReportsArriveAndAfterAReboot() {
        assertThat(report.falseAlarms()).as("alarms outside every fault (and its %d windows of grace)",
                ScenarioReport.GRACE).isEmpty();
    }

    @Test
    void aPersistentFaultRaisesOncePerKindAndSourceAndAnIntermittentOneOncePerTenMinutes() {
        SoftAssertions soft = new SoftAssertions();
        for (Outcome outcome : report.outcomes()) {
            soft.assertThat(outcome.raisesPerSource()).as("RAISED per kind and source, %s on %s, windows %d..%d: %s",
                    outcome.fault().label(), outcome.board(), outcome.span().from(), outcome.span().to(),
                    outcome.alarms()).isLessThanOrEqualTo(outcome.allowedRaises());
        }
        soft.assertAll();
    }
}

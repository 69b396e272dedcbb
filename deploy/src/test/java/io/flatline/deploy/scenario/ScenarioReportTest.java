package io.flatline.deploy.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.flatline.deploy.scenario.ScenarioBoard.Span;
import io.flatline.deploy.scenario.ScenarioReport.Alarm;
import io.flatline.deploy.scenario.ScenarioReport.Outcome;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSource;
import org.junit.jupiter.api.Test;

/** The metrics from alarms made up for a known timeline. */
class ScenarioReportTest {

    private static final ScenarioPlan PLAN = new ScenarioPlan(List.of(
            new ScenarioBoard("stuck", 1, List.of(new Span(1, 1000, ScenarioFault.HEALTHY),
                    new Span(1000, 2000, ScenarioFault.NPU_STUCK), new Span(2000, 3001, ScenarioFault.HEALTHY))),
            new ScenarioBoard("late", 2, List.of(new Span(1, 3001, ScenarioFault.LATE_REPORTS))),
            new ScenarioBoard("flapping", 3, List.of(new Span(1, 100, ScenarioFault.HEALTHY),
                    new Span(100, 3001, ScenarioFault.INTERMITTENT)))), 3000);

    private static Alarm alarm(String board, long window, AlertKind kind, Finding finding, boolean firstOut) {
        return new Alarm(board, window, kind, AlertSource.BOARD, finding, firstOut);
    }

    @Test
    void alarmsBelongToTheFaultUntilTheGraceEndsAndAreFalseOutsideIt() {
        List<Alarm> alarms = List.of(
                alarm("stuck", 1012, AlertKind.BOARD_DIVERGENCE, Finding.UNKNOWN, false),
                alarm("stuck", 1030, AlertKind.STUCK_OUTPUT, Finding.BOARD_RUNTIME, true),
                alarm("stuck", 2299, AlertKind.STUCK_OUTPUT, Finding.BOARD_RUNTIME, true),
                alarm("stuck", 2300, AlertKind.INPUT_MISMATCH, Finding.PREPROCESSING_MISMATCH, true),
                alarm("late", 60, AlertKind.BOARD_DIVERGENCE, Finding.BOARD_RUNTIME, true));
        ScenarioReport report = ScenarioReport.of(PLAN, 50, alarms);

        Outcome stuck = report.outcomes(ScenarioFault.NPU_STUCK).get(0);
        assertThat(stuck.alarms()).extracting(Alarm::window).containsExactly(1012L, 1030L, 2299L);
        assertThat(stuck.delay()).hasValue(12);
        assertThat(stuck.finding()).as("the first first-out alarm's").isEqualTo(Finding.BOARD_RUNTIME);
        assertThat(stuck.raisesPerSource()).isEqualTo(2);
        assertThat(stuck.chattering()).as("1030 and 2299, within 10 minutes").isEqualTo(2);
        assertThat(report.falseAlarms()).extracting(Alarm::window).containsExactly(2300L, 60L);
        assertThat(report.healthy().get(ScenarioFault.LATE_REPORTS).falseAlarms()).hasSize(1);
        // the healthy windows: 50..999 and 2300..3000 on "stuck", 50..3000 on "late", 50..99 on "flapping"
        assertThat(report.healthyWindows()).isEqualTo(950 + 701 + 2951 + 50);
    }

    @Test
    void aMissedFaultHasNoDelayAndAnIntermittentOneMayRaiseOncePerTenMinutes() {
        ScenarioReport report = ScenarioReport.of(PLAN, 50, List.of());

        Outcome flapping = report.outcomes(ScenarioFault.INTERMITTENT).get(0);
        assertThat(flapping.finding()).isEqualTo(Finding.MISSED);
        assertThat(flapping.delay()).isEmpty();
        assertThat(report.p50Delay(ScenarioFault.INTERMITTENT)).isEmpty();
        assertThat(flapping.allowedRaises()).as("2901 windows: 4 minutes 50 s").isEqualTo(1);
        assertThat(report.outcomes(ScenarioFault.NPU_STUCK).get(0).allowedRaises()).isEqualTo(1);
    }

    @Test
    void aFaultThatComesBackWhileItsAlarmIsStillOpenIsDetectedByThatAlarm() {
        ScenarioPlan plan = new ScenarioPlan(List.of(new ScenarioBoard("dither", 1, List.of(
                new Span(1, 500, ScenarioFault.HEALTHY), new Span(500, 1000, ScenarioFault.NEAR_STUCK_DITHER),
                new Span(1000, 2000, ScenarioFault.HEALTHY), new Span(2000, 2500, ScenarioFault.NEAR_STUCK_DITHER),
                new Span(2500, 4000, ScenarioFault.HEALTHY), new Span(4000, 4500, ScenarioFault.NEAR_STUCK_DITHER),
                new Span(4500, 5001, ScenarioFault.HEALTHY)))), 5000);
        Alarm raised = alarm("dither", 505, AlertKind.BOARD_DIVERGENCE, Finding.BOARD_RUNTIME, true);
        Alarm cleared = new Alarm("dither", 3100, AlertKind.BOARD_DIVERGENCE, AlertSource.BOARD,
                Finding.BOARD_RUNTIME, true, false);
        ScenarioReport report = ScenarioReport.of(plan, 50, List.of(raised, cleared));

        List<Outcome> spans = report.outcomes(ScenarioFault.NEAR_STUCK_DITHER);
        assertThat(spans.get(1).alarms()).isEmpty();
        assertThat(spans.get(1).carried()).contains(raised);
        assertThat(spans.get(1).delay()).hasValue(0);
        assertThat(spans.get(1).finding()).isEqualTo(Finding.BOARD_RUNTIME);
        assertThat(spans.get(2).detected()).as("cleared before the third stretch").isFalse();
        assertThat(report.falseAlarms()).isEmpty();
    }
}

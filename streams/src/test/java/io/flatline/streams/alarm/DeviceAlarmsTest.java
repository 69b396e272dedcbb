package io.flatline.streams.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSeverity;
import io.flatline.schemas.AlertSource;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.Diagnosis;
import io.flatline.schemas.OpenEpisode;
import io.flatline.streams.diagnose.Verdict;
import org.junit.jupiter.api.Test;

class DeviceAlarmsTest {

    /** Off-delay of 10 windows; an intermittent episode holds for 60 s (one window = 1 s here). */
    private static final AlarmSettings SETTINGS = new AlarmSettings(10, Duration.ofSeconds(60));

    private DeviceAlarms alarms = DeviceAlarms.NONE;
    private final List<Alert> alerts = new ArrayList<>();
    private long seq;
    private int returned;

    private static Activity holding(AlertSeverity severity, Diagnosis diagnosis) {
        return new Activity(severity, 1, 30, 12, new byte[] {1, 2}, () -> new Verdict(diagnosis, "because"));
    }

    private void window(AlertSource source, AlertKind kind, Activity activity) {
        DeviceAlarms.Step step = alarms.observe("d1", source, kind, activity, seq, seq * 1000, SETTINGS);
        alarms = step.next();
        returned += step.returned() ? 1 : 0;
        if (step.alert() != null) {
            alerts.add(step.alert());
        }
    }

    /** {@code n} windows of one condition, holding or not. */
    private void windows(int n, AlertSource source, AlertKind kind, Activity activity) {
        for (int i = 0; i < n; i++) {
            seq++;
            window(source, kind, activity);
        }
    }

    @Test
    void aPersistentConditionRaisesOnceAndClearsOnceAfterTheOffDelay() {
        windows(500, AlertSource.BOARD, AlertKind.STUCK_OUTPUT, holding(AlertSeverity.FAIL, Diagnosis.BOARD_RUNTIME));
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.getState()).isEqualTo(AlertState.RAISED);
            assertThat(a.getEpisodeId()).isEqualTo("d1#1");
            assertThat(a.getFirstOut()).isTrue();
            assertThat(a.getDiagnosis()).isEqualTo(Diagnosis.BOARD_RUNTIME);
            assertThat(a.getReturns()).isZero();
        });
        windows(9, AlertSource.BOARD, AlertKind.STUCK_OUTPUT, Activity.NONE);
        assertThat(alerts).hasSize(1);
        windows(1, AlertSource.BOARD, AlertKind.STUCK_OUTPUT, Activity.NONE);
        assertThat(alerts).hasSize(2).last().satisfies(a -> {
            assertThat(a.getState()).isEqualTo(AlertState.CLEARED);
            assertThat(a.getLastSeq()).isEqualTo(500);
            assertThat(a.getRunLength()).isEqualTo(500);
            assertThat(a.getDiagnosis()).isEqualTo(Diagnosis.BOARD_RUNTIME);
            assertThat(a.getEpisodeId()).isEqualTo("d1#1");
        });
        assertThat(alarms.isEmpty()).isTrue();
    }

    @Test
    void aConditionThatComesBackWithinTheOffDelayIsTheSameEpisodeCountingItsReturns() {
        Activity stuck = holding(AlertSeverity.FAIL, Diagnosis.BOARD_RUNTIME);
        for (int cycle = 0; cycle < 5; cycle++) {
            windows(40, AlertSource.BOARD, AlertKind.STUCK_OUTPUT, stuck);
            windows(8, AlertSource.BOARD, AlertKind.STUCK_OUTPUT, Activity.NONE);
        }
        assertThat(alerts).extracting(Alert::getState).containsExactly(AlertState.RAISED);
        assertThat(alarms.episodes()).singleElement().extracting(OpenEpisode::getReturns).isEqualTo(4);
        assertThat(returned).isEqualTo(4);
    }

    @Test
    void anAlarmThatFlickersBesideOneThatHoldsDoesNotMakeItsEpisodeIntermittent() {
        Activity stuck = holding(AlertSeverity.FAIL, Diagnosis.BOARD_RUNTIME);
        for (int cycle = 0; cycle < 5; cycle++) {
            for (int i = 0; i < 40; i++) {
                seq++;
                window(AlertSource.BOARD, AlertKind.STUCK_OUTPUT, stuck);
                window(AlertSource.BOARD, AlertKind.BOARD_DIVERGENCE, i < 32 ? stuck : Activity.NONE);
            }
        }
        assertThat(alerts).extracting(Alert::getKind).containsExactly(AlertKind.STUCK_OUTPUT,
                AlertKind.BOARD_DIVERGENCE);
        assertThat(alarms.open()).extracting(AlarmLifecycle::returns).containsExactly(0, 4);
        assertThat(alarms.episodes()).singleElement().extracting(OpenEpisode::getReturns).isEqualTo(0);
        assertThat(returned).isZero();
        // Not intermittent, so no hold: both clear after the off-delay once the cause is gone.
        for (int i = 0; i < 10; i++) {
            seq++;
            window(AlertSource.BOARD, AlertKind.STUCK_OUTPUT, Activity.NONE);
            window(AlertSource.BOARD, AlertKind.BOARD_DIVERGENCE, Activity.NONE);
        }
        assertThat(alarms.isEmpty()).isTrue();
    }

    @Test
    void anIntermittentEpisodeHoldsUntilTheConditionStayedAwayForTheHoldTime() {
        Activity stuck = holding(AlertSeverity.FAIL, Diagnosis.BOARD_RUNTIME);
        windows(30, AlertSource.BOARD, AlertKind.STUCK_OUTPUT, stuck);
        windows(5, AlertSource.BOARD, AlertKind.STUCK_OUTPUT, Activity.NONE);
        windows(30, AlertSource.BOARD, AlertKind.STUCK_OUTPUT, stuck);
        // It came back once: past the off-delay of 10 windows it is still open, until 60 s without it.
        windows(59, AlertSource.BOARD, AlertKind.STUCK_OUTPUT, Activity.NONE);
        assertThat(alerts).hasSize(1);
        windows(1, AlertSource.BOARD, AlertKind.STUCK_OUTPUT, Activity.NONE);
        assertThat(alerts).extracting(Alert::getState, Alert::getReturns)
                .containsExactly(tuple(AlertState.RAISED, 0), tuple(AlertState.CLEARED, 1));
    }

    @Test
    void alarmsRaisedWhileAnotherIsOpenJoinItsEpisodeAndItStaysTheFirstOut() {
        Activity saturated = holding(AlertSeverity.FAIL, Diagnosis.MODEL_SATURATION);
        seq = 100;
        window(AlertSource.REFERENCE, AlertKind.STUCK_OUTPUT, saturated);
        seq = 103;
        window(AlertSource.BOARD, AlertKind.STUCK_OUTPUT, holding(AlertSeverity.FAIL, Diagnosis.MODEL_SATURATION));
        window(AlertSource.BOARD, AlertKind.BOARD_DIVERGENCE, holding(AlertSeverity.FAIL, Diagnosis.BOARD_RUNTIME));
        assertThat(alerts).extracting(Alert::getSource, Alert::getKind, Alert::getEpisodeId, Alert::getFirstOut)
                .containsExactly(tuple(AlertSource.REFERENCE, AlertKind.STUCK_OUTPUT, "d1#100", true),
                        tuple(AlertSource.BOARD, AlertKind.STUCK_OUTPUT, "d1#100", false),
                        tuple(AlertSource.BOARD, AlertKind.BOARD_DIVERGENCE, "d1#100", false));
        assertThat(alarms.episodes()).singleElement().satisfies(e -> {
            assertThat(e.getDiagnosis()).isEqualTo("MODEL_SATURATION");
            assertThat(e.getKinds()).containsExactly("REFERENCE/STUCK_OUTPUT", "BOARD/STUCK_OUTPUT",
                    "BOARD/BOARD_DIVERGENCE");
        });
    }

    @Test
    void afterEveryAlarmClearedTheNextOneOpensANewEpisode() {
        Activity stale = holding(AlertSeverity.FAIL, Diagnosis.UNKNOWN);
        windows(5, AlertSource.REFERENCE, AlertKind.SENSOR_STALE, stale);
        windows(10, AlertSource.REFERENCE, AlertKind.SENSOR_STALE, Activity.NONE);
        windows(5, AlertSource.REFERENCE, AlertKind.SENSOR_STALE, stale);
        assertThat(alerts).extracting(Alert::getState, Alert::getEpisodeId).containsExactly(
                tuple(AlertState.RAISED, "d1#1"), tuple(AlertState.CLEARED, "d1#1"), tuple(AlertState.RAISED, "d1#16"));
    }

    @Test
    void aSuspectEpisodeThatTurnsIntoAFailureClearsAtFail() {
        windows(20, AlertSource.REFERENCE, AlertKind.STUCK_OUTPUT,
                holding(AlertSeverity.SUSPECT, Diagnosis.MODEL_SATURATION));
        windows(20, AlertSource.REFERENCE, AlertKind.STUCK_OUTPUT,
                holding(AlertSeverity.FAIL, Diagnosis.MODEL_SATURATION));
        windows(10, AlertSource.REFERENCE, AlertKind.STUCK_OUTPUT, Activity.NONE);
        assertThat(alerts).extracting(Alert::getState, Alert::getSeverity).containsExactly(
                tuple(AlertState.RAISED, AlertSeverity.SUSPECT), tuple(AlertState.CLEARED, AlertSeverity.FAIL));
    }

    @Test
    void theDiagnosisIsGatheredOnlyWhenAnAlarmIsRaised() {
        int[] asked = {0};
        Activity counted = new Activity(AlertSeverity.FAIL, 1, 30, 12, new byte[] {1},
                () -> new Verdict(Diagnosis.MODEL_SATURATION, "asked " + ++asked[0]));
        windows(100, AlertSource.REFERENCE, AlertKind.STUCK_OUTPUT, counted);
        assertThat(asked[0]).isEqualTo(1);
    }
}

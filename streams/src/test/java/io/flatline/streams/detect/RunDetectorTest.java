package io.flatline.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.flatline.schemas.AlertSeverity;
import io.flatline.streams.alarm.Activity;
import io.flatline.streams.detect.RunDetector.Observation;
import io.flatline.streams.detect.RunDetector.RunState;
import io.flatline.streams.detect.RunDetector.Settings;
import org.junit.jupiter.api.Test;

class RunDetectorTest {

    /** Strict runs of 5 (stale 4) over at least 3 inputs; a flatline window of 10 at 90 %, 1 LSB. */
    private static final Settings SETTINGS = new Settings(5, 3, 4, 10, 0.9, 1);
    private static final byte[] A = {10, 20, 30, 40, 50};
    private static final byte[] B = {11, 20, 30, 40, 50};
    private static final byte[] FAR = {90, -20, 30, 40, 50};

    private RunState state;
    private final List<Activity> stuck = new ArrayList<>();
    private final List<Activity> stale = new ArrayList<>();
    private long seq;

    private void feed(byte[] out, long input) {
        RunDetector.Result result = RunDetector.observe(state, new Observation(++seq, out.clone(), input), SETTINGS);
        state = result.state();
        stuck.add(result.stuck());
        stale.add(result.stale());
    }

    private Activity lastStuck() {
        return stuck.get(stuck.size() - 1);
    }

    @Test
    void aStrictRunOverChangingInputsIsStuckAtFailFromItsLengthOn() {
        for (int i = 0; i < 4; i++) {
            feed(A, i);
        }
        assertThat(stuck).noneMatch(Activity::holds);
        feed(A, 4);
        assertThat(lastStuck().severity()).isEqualTo(AlertSeverity.FAIL);
        assertThat(lastStuck().firstSeq()).isEqualTo(1);
        assertThat(lastStuck().runLength()).isEqualTo(5);
        assertThat(lastStuck().distinctInputs()).isEqualTo(5);
        assertThat(lastStuck().netOut()).containsExactly(A);
        for (int i = 5; i < 100; i++) {
            feed(A, i);
        }
        assertThat(stuck.subList(4, stuck.size())).allMatch(a -> a.severity() == AlertSeverity.FAIL);
        assertThat(stale).noneMatch(Activity::holds);
    }

    @Test
    void identicalOutputsOnIdenticalInputsAreStaleNotStuck() {
        for (int i = 0; i < 50; i++) {
            feed(A, 7);
        }
        assertThat(stuck).noneMatch(Activity::holds);
        assertThat(stale.subList(0, 3)).noneMatch(Activity::holds);
        assertThat(stale.subList(3, 50)).allMatch(Activity::holds);
        feed(A, 8);
        assertThat(stale.get(50).holds()).isFalse();
    }

    @Test
    void aRunWithTooFewInputChangesIsNotStuck() {
        for (long input : new long[] {1, 1, 1, 2, 2, 2}) {
            feed(A, input);
        }
        assertThat(stuck).noneMatch(Activity::holds);
        feed(A, 3);
        assertThat(lastStuck().holds()).isTrue();
    }

    @Test
    void unknownInputsNeverCountAsChangesNorAsStale() {
        for (int i = 0; i < 20; i++) {
            feed(A, RunDetector.UNKNOWN_INPUT);
        }
        assertThat(stuck).noneMatch(Activity::holds);
        assertThat(stale).noneMatch(Activity::holds);
        assertThat(state.runLength()).isEqualTo(20);
        assertThat(state.distinctInputs()).isZero();
    }

    @Test
    void outputsThatKeepMovingAreNeitherStuckNorSuspect() {
        Random random = new Random(3);
        for (int i = 0; i < 400; i++) {
            byte[] out = A.clone();
            out[random.nextInt(5)] += (byte) (2 + random.nextInt(20));
            feed(out, i);
        }
        assertThat(stuck).noneMatch(Activity::holds);
    }

    @Test
    void anOutputStuckButForAnOccasionalBlipIsSuspectAndStaysSo() {
        for (int i = 0; i < 200; i++) {
            feed(i % 20 == 19 ? FAR : A, i);
        }
        // FAIL while a strict run lasts; right after each blip the run starts again, and the flatline window keeps
        // the condition (SUSPECT) until the run is long enough: it never lets go.
        assertThat(stuck.subList(10, 200)).allMatch(Activity::holds);
        assertThat(stuck.subList(10, 200)).anyMatch(a -> a.severity() == AlertSeverity.SUSPECT);
    }

    @Test
    void aDitherOfOneLsbAroundAFrozenValueIsSuspect() {
        Random random = new Random(5);
        for (int i = 0; i < 100; i++) {
            byte[] out = A.clone();
            out[random.nextInt(5)] += (byte) (random.nextInt(3) - 1);
            feed(out, i);
        }
        assertThat(stuck.subList(20, 100)).allMatch(a -> a.holds());
        assertThat(state.recent().anchor()).containsExactly(A);
    }

    @Test
    void aDitherOfOneLsbOverUnchangingInputsIsNotStuck() {
        for (int i = 0; i < 100; i++) {
            feed(i % 2 == 0 ? A : B, 42);
        }
        assertThat(stuck).noneMatch(Activity::holds);
    }

    @Test
    void aMovedOutputEndsTheStrictRunAtOnce() {
        for (int i = 0; i < 8; i++) {
            feed(A, i);
        }
        feed(FAR, 8);
        assertThat(lastStuck().holds()).isFalse();
        assertThat(state.runLength()).isEqualTo(1);
    }

    @Test
    void sensorsThatStoppedChangingAreStaleAsSoonAsTheReadingsSaySoWhateverTheOutputs() {
        // The reference knows its readings: the sensors froze at window 1, while its window still fills with the
        // frozen value (so the input CRC and the output keep changing).
        for (int steady = 1; steady <= 3; steady++) {
            RunDetector.Result r = RunDetector.observe(state,
                    new Observation(++seq, steady % 2 == 0 ? A : B, steady, steady), SETTINGS);
            state = r.state();
            stale.add(r.stale());
            stuck.add(r.stuck());
        }
        assertThat(stale).noneMatch(Activity::holds);
        RunDetector.Result r = RunDetector.observe(state, new Observation(++seq, A, 4, 4), SETTINGS);
        assertThat(r.stale().holds()).isTrue();
        assertThat(r.stale().runLength()).isEqualTo(4);
        assertThat(r.stale().firstSeq()).isEqualTo(1);
        // Once the whole window is the one reading, the run goes on as long as the window stays the same.
        state = r.state();
        r = RunDetector.observe(state, new Observation(++seq, A, 4, 4), SETTINGS);
        assertThat(r.stale().runLength()).isEqualTo(5);
    }

    @Test
    void aStuckOutputIsNotJudgedWhileTheSensorsAreStale() {
        for (int i = 0; i < 50; i++) {
            RunDetector.Result r = RunDetector.observe(state, new Observation(++seq, A, i, Math.min(i + 1, 8)),
                    SETTINGS);
            state = r.state();
            stuck.add(r.stuck());
        }
        assertThat(stuck).noneMatch(Activity::holds);
    }
}

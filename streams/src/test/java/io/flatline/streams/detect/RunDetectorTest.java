package io.flatline.streams.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertState;
import io.flatline.streams.detect.RunDetector.Edge;
import io.flatline.streams.detect.RunDetector.Observation;
import io.flatline.streams.detect.RunDetector.RunState;
import io.flatline.streams.detect.RunDetector.Settings;
import org.junit.jupiter.api.Test;

class RunDetectorTest {

    private static final Settings SETTINGS = new Settings(5, 3, 4);
    private static final byte[] A = {10, 20, 30, 40, 50};
    private static final byte[] B = {11, 20, 30, 40, 50};

    private RunState state;
    private final List<Edge> edges = new ArrayList<>();
    private long seq;

    private void feed(byte[] out, long input) {
        RunDetector.Result result = RunDetector.observe(state, new Observation(++seq, out.clone(), input), SETTINGS);
        state = result.state();
        edges.addAll(result.edges());
    }

    @Test
    void raisesStuckOnceWhenTheRunReachesItsLengthOverChangingInputs() {
        for (int i = 0; i < 4; i++) {
            feed(A, i);
        }
        assertThat(edges).isEmpty();
        feed(A, 4);
        assertThat(edges).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(AlertKind.STUCK_OUTPUT);
            assertThat(e.state()).isEqualTo(AlertState.RAISED);
            assertThat(e.firstSeq()).isEqualTo(1);
            assertThat(e.lastSeq()).isEqualTo(5);
            assertThat(e.runLength()).isEqualTo(5);
            assertThat(e.distinctInputs()).isEqualTo(5);
        });
        for (int i = 5; i < 100; i++) {
            feed(A, i);
        }
        assertThat(edges).hasSize(1);
    }

    @Test
    void clearsOnceWhenTheOutputMoves() {
        for (int i = 0; i < 8; i++) {
            feed(A, i);
        }
        feed(B, 8);
        feed(A, 9);
        assertThat(edges).extracting(Edge::state).containsExactly(AlertState.RAISED, AlertState.CLEARED);
        Edge cleared = edges.get(1);
        assertThat(cleared.firstSeq()).isEqualTo(1);
        assertThat(cleared.lastSeq()).isEqualTo(8);
        assertThat(cleared.runLength()).isEqualTo(8);
        assertThat(cleared.netOut()).containsExactly(A);
    }

    @Test
    void identicalOutputsOnIdenticalInputsAreStaleNotStuck() {
        for (int i = 0; i < 50; i++) {
            feed(A, 7);
        }
        assertThat(edges).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(AlertKind.SENSOR_STALE);
            assertThat(e.state()).isEqualTo(AlertState.RAISED);
            assertThat(e.runLength()).isEqualTo(4);
        });
        feed(A, 8);
        assertThat(edges).extracting(Edge::kind, Edge::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple(AlertKind.SENSOR_STALE, AlertState.RAISED),
                org.assertj.core.groups.Tuple.tuple(AlertKind.SENSOR_STALE, AlertState.CLEARED));
    }

    @Test
    void aRunWithTooFewInputChangesIsNotStuck() {
        feed(A, 1);
        feed(A, 1);
        feed(A, 1);
        feed(A, 2);
        feed(A, 2);
        feed(A, 2);
        assertThat(edges).isEmpty();
        feed(A, 3);
        assertThat(edges).singleElement().extracting(Edge::kind).isEqualTo(AlertKind.STUCK_OUTPUT);
    }

    @Test
    void unknownInputsNeverCountAsChangesNorAsStale() {
        for (int i = 0; i < 20; i++) {
            feed(A, RunDetector.UNKNOWN_INPUT);
        }
        assertThat(edges).isEmpty();
        assertThat(state.runLength()).isEqualTo(20);
        assertThat(state.distinctInputs()).isZero();
    }

    @Test
    void varyingOutputsRaiseNothing() {
        for (int i = 0; i < 40; i++) {
            feed(i % 2 == 0 ? A : B, i);
        }
        assertThat(edges).isEmpty();
    }

    @Test
    void aSecondEpisodeRaisesAgain() {
        for (int i = 0; i < 6; i++) {
            feed(A, i);
        }
        feed(B, 6);
        for (int i = 7; i < 13; i++) {
            feed(A, i);
        }
        assertThat(edges).extracting(Edge::state).containsExactly(AlertState.RAISED, AlertState.CLEARED,
                AlertState.RAISED);
        assertThat(edges.get(2).firstSeq()).isEqualTo(8);
    }
}

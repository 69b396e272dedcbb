package io.flatline.streams.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSource;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Diagnosis;
import io.flatline.streams.alarm.AlarmSettings;
import io.flatline.streams.alarm.DeviceAlarms;
import io.flatline.streams.compare.BoardMonitor.Reference;
import io.flatline.streams.detect.RunDetector;
import org.junit.jupiter.api.Test;

class BoardMonitorTest {

    private static final BoardMonitor.Settings SETTINGS = new BoardMonitor.Settings(
            new RunDetector.Settings(10, 5, 10), 1, 3, 50, 100, 16);
    private static final byte[] STUCK = {-128, -128, 127, -128, -128};

    /** The reference windows of one device, as the state stores hold them. */
    private final Map<Long, Reference> bySeq = new HashMap<>();
    private final Map<Long, Reference> byCrc = new HashMap<>();
    private long newest = -1;
    private final BoardMonitor.References refs = new BoardMonitor.References() {
        @Override
        public Optional<Reference> bySeq(long seq) {
            return Optional.ofNullable(bySeq.get(seq));
        }

        @Override
        public Optional<Reference> byCrc(long crc) {
            return Optional.ofNullable(byCrc.get(crc));
        }

        @Override
        public long newestSeq() {
            return newest;
        }
    };

    private BoardMonitor.State state = BoardMonitor.State.initial(50, 5);
    private DeviceAlarms alarms = DeviceAlarms.NONE;
    private final List<Alert> alerts = new ArrayList<>();
    private final List<BoardComparison> comparisons = new ArrayList<>();

    private void reference(long seq, long crc, byte[] out) {
        Reference r = new Reference(seq, crc, out);
        bySeq.put(seq, r);
        byCrc.put(crc, r);
        newest = seq;
        apply(BoardMonitor.onReference("b1", state, refs, SETTINGS));
    }

    private void board(long seq, Long crc, byte[] out) {
        BoardInference bi = BoardInference.newBuilder().setDeviceId("b1").setTimestamp(Instant.EPOCH)
                .setInferenceCount(seq).setWindowEndSeq(seq).setInputCrc32(crc).setNetOut(ByteBuffer.wrap(out)).build();
        apply(BoardMonitor.onBoardInference("b1", state, bi, refs, SETTINGS));
    }

    private void apply(BoardMonitor.Outcome outcome) {
        state = outcome.state();
        comparisons.addAll(outcome.comparisons());
        for (BoardMonitor.Signal signal : outcome.signals()) {
            DeviceAlarms.Step step = alarms.observe("b1", AlertSource.BOARD, signal.kind(), signal.activity(),
                    signal.seq(), signal.time(), new AlarmSettings(5, Duration.ZERO));
            alarms = step.next();
            if (step.alert() != null) {
                alerts.add(step.alert());
            }
        }
    }

    private static byte[] varying(long seq) {
        return new byte[] {(byte) (seq % 7), 1, 2, 3, (byte) -(seq % 5)};
    }

    @Test
    void aStuckBoardOnMatchingInputsWithAVaryingReferenceIsTheBoardRuntime() {
        for (long seq = 1; seq <= 30; seq++) {
            board(seq, 1000 + seq, STUCK);
            reference(seq, 1000 + seq, varying(seq));
        }
        Alert stuck = alerts.stream().filter(a -> a.getKind() == AlertKind.STUCK_OUTPUT).findFirst().orElseThrow();
        assertThat(stuck.getState()).isEqualTo(AlertState.RAISED);
        assertThat(stuck.getDiagnosis()).isEqualTo(Diagnosis.BOARD_RUNTIME);
        assertThat(stuck.getEvidence()).contains("inputs match the reference on 10 of 10 windows");
        assertThat(comparisons).hasSize(30).allSatisfy(c -> assertThat(c.getInputMatch()).isTrue());
        assertThat(alerts).filteredOn(a -> a.getKind() == AlertKind.BOARD_DIVERGENCE).hasSize(1)
                .first().extracting(Alert::getDiagnosis).isEqualTo(Diagnosis.BOARD_RUNTIME);
    }

    @Test
    void aBoardThatQuantizesDifferentlyIsAPreprocessingMismatch() {
        for (long seq = 1; seq <= 30; seq++) {
            board(seq, 5000 + seq, STUCK);
            reference(seq, 1000 + seq, varying(seq));
        }
        assertThat(comparisons).isNotEmpty().allSatisfy(c -> assertThat(c.getInputMatch()).isFalse());
        assertThat(alerts).filteredOn(a -> a.getState() == AlertState.RAISED)
                .extracting(Alert::getKind, Alert::getDiagnosis)
                .contains(org.assertj.core.groups.Tuple.tuple(AlertKind.INPUT_MISMATCH, Diagnosis.PREPROCESSING_MISMATCH),
                        org.assertj.core.groups.Tuple.tuple(AlertKind.STUCK_OUTPUT, Diagnosis.PREPROCESSING_MISMATCH));
    }

    @Test
    void aBoardStuckWhereTheReferenceIsStuckTooIsTheModel() {
        for (long seq = 1; seq <= 30; seq++) {
            board(seq, 1000 + seq, STUCK);
            reference(seq, 1000 + seq, STUCK);
        }
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo(AlertKind.STUCK_OUTPUT);
            assertThat(a.getDiagnosis()).isEqualTo(Diagnosis.MODEL_SATURATION);
        });
    }

    @Test
    void aHealthyBoardRaisesNothing() {
        for (long seq = 1; seq <= 60; seq++) {
            reference(seq, 1000 + seq, varying(seq));
            board(seq, 1000 + seq, varying(seq));
        }
        assertThat(alerts).isEmpty();
        assertThat(comparisons).hasSize(60).allSatisfy(c -> assertThat(c.getMaxAbsDiffLsb()).isZero());
        assertThat(state.agreement().summary().exactMatchRate()).isEqualTo(1.0);
    }

    @Test
    void inferencesWaitInOrderForTheirReferenceWindow() {
        board(1, 1001L, varying(1));
        board(2, 1002L, varying(2));
        assertThat(comparisons).isEmpty();
        assertThat(state.pending()).hasSize(2);
        reference(1, 1001, varying(1));
        reference(2, 1002, varying(2));
        assertThat(comparisons).extracting(BoardComparison::getWindowEndSeq).containsExactly(1L, 2L);
        assertThat(state.pending()).isEmpty();
    }

    @Test
    void aBoardWindowOffByAReadingStillMatchesByItsCrc() {
        reference(10, 7777, varying(10));
        board(9, 7777L, varying(10));
        assertThat(comparisons).singleElement().satisfies(c -> {
            assertThat(c.getWindowEndSeq()).isEqualTo(10);
            assertThat(c.getInputMatch()).isTrue();
        });
    }

    @Test
    void inferencesWhoseWindowNeverComesAreCountedAsMissesNotKeptForever() {
        board(1, 999L, varying(1));
        for (long seq = 2; seq <= 30; seq++) {
            reference(seq, 1000 + seq, varying(seq));
        }
        assertThat(state.pending()).isEmpty();
        assertThat(state.joinMisses()).isEqualTo(1);
    }

    @Test
    void withoutAnInputCrcAStuckBoardIsUnknownSayingWhy() {
        for (long seq = 1; seq <= 30; seq++) {
            reference(seq, 1000 + seq, varying(seq));
            board(seq, null, STUCK);
        }
        Alert stuck = alerts.stream().filter(a -> a.getKind() == AlertKind.STUCK_OUTPUT).findFirst().orElseThrow();
        assertThat(stuck.getDiagnosis()).isEqualTo(Diagnosis.UNKNOWN);
        assertThat(stuck.getEvidence()).contains("reports no input CRC");
    }

    @Test
    void aBoardStuckBeforeTheReferencesFirstWindowIsJudgedOnTheWindowsBothComputed() {
        // The board ran before the reference's window was full: its first reports (fewer than the 16 that may
        // wait) can never match, and are longer than the stuck threshold of 10.
        for (long seq = 1; seq <= 15; seq++) {
            board(seq, 5000 + seq, STUCK);
        }
        for (long seq = 16; seq <= 60; seq++) {
            reference(seq, 5000 + seq, varying(seq));
            board(seq, 5000 + seq, STUCK);
        }
        assertThat(state.joinMisses()).isEqualTo(15);
        List<Alert> stuck = alerts.stream().filter(a -> a.getKind() == AlertKind.STUCK_OUTPUT).toList();
        assertThat(stuck).hasSize(1);
        assertThat(stuck.get(0).getDiagnosis()).isEqualTo(Diagnosis.BOARD_RUNTIME);
        assertThat(stuck.get(0).getFirstSeq()).isEqualTo(16);
    }

    @Test
    void windowsOlderThanTheRetentionAreMissesThatStillCountForTheRun() {
        for (long seq = 1; seq <= 200; seq++) {
            reference(seq, 1000 + seq, varying(seq));
        }
        // Retention is 100 windows, so 1..100 are gone as the stores drop them: reports for those windows come
        // late, they are not the reference's warm-up, and a stuck run among them still raises.
        for (long seq = 1; seq <= 100; seq++) {
            byCrc.remove(bySeq.remove(seq).crc());
        }
        for (long seq = 50; seq <= 80; seq++) {
            board(seq, 5000 + seq, STUCK);
        }
        assertThat(state.joinMisses()).isEqualTo(31);
        assertThat(alerts).anySatisfy(a -> {
            assertThat(a.getKind()).isEqualTo(AlertKind.STUCK_OUTPUT);
            assertThat(a.getDiagnosis()).isEqualTo(Diagnosis.UNKNOWN);
        });
    }

    @Test
    void windowsTheReferenceSkippedAfterAGapStayOutOfTheBoardsRun() {
        for (long seq = 1; seq <= 20; seq++) {
            reference(seq, 5000 + seq, varying(seq));
            board(seq, 5000 + seq, varying(seq));
        }
        // A gap reset the reference's window: it computes nothing for 21..40, while the board goes on, stuck.
        for (long seq = 21; seq <= 40; seq++) {
            board(seq, 5000 + seq, STUCK);
        }
        for (long seq = 41; seq <= 70; seq++) {
            reference(seq, 5000 + seq, varying(seq));
            board(seq, 5000 + seq, STUCK);
        }
        List<Alert> stuck = alerts.stream().filter(a -> a.getKind() == AlertKind.STUCK_OUTPUT).toList();
        assertThat(stuck).hasSize(1);
        assertThat(stuck.get(0).getDiagnosis()).isEqualTo(Diagnosis.BOARD_RUNTIME);
        assertThat(state.joinMisses()).isEqualTo(20);
    }

    @Test
    void aBoardDitheringByOneLsbBesideAMovingReferenceIsNearlyStuckOnTheBoardsRuntime() {
        java.util.Random random = new java.util.Random(7);
        for (long seq = 1; seq <= 200; seq++) {
            byte[] out = STUCK.clone();
            out[random.nextInt(2)] += (byte) random.nextInt(2);   // -128 or -127: one LSB
            reference(seq, 1000 + seq, varying(seq));
            board(seq, 1000 + seq, out);
        }
        assertThat(alerts).filteredOn(a -> a.getKind() == AlertKind.STUCK_OUTPUT).singleElement().satisfies(a -> {
            assertThat(a.getSeverity()).isEqualTo(io.flatline.schemas.AlertSeverity.SUSPECT);
            assertThat(a.getDiagnosis()).isEqualTo(Diagnosis.BOARD_RUNTIME);
            assertThat(a.getEvidence()).contains("within 1 LSB of one value");
        });
    }

    @Test
    void aHealthyBoardFollowingAReferenceThatHardlyMovesIsNotStuck() {
        for (long seq = 1; seq <= 300; seq++) {
            byte[] out = STUCK.clone();
            out[1] += (byte) (seq / 7 % 2);   // the model moves by 1 LSB now and then: near-flat, and healthy
            reference(seq, 1000 + seq, out);
            board(seq, 1000 + seq, out);
        }
        assertThat(alerts).isEmpty();
    }
}

package io.flatline.simulator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.flatline.simulator.fleet.BoardFirmware.Acquisition;
import io.flatline.simulator.fleet.BoardFirmware.Report;
import io.flatline.simulator.fleet.FaultTimeline.Segment;
import io.flatline.model.engine.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each malfunction held against a healthy twin: a board with the same seed takes the same samples, so it
 * computes what the malfunctioning board should have.
 */
class BoardFirmwareTest {

    private static final long SEED = 5;
    private static final int FROM = 100;
    private static final int TO = 150;
    private static BoardModel boardModel;
    private static Model model;

    @BeforeAll
    static void model() {
        boardModel = BoardModel.seed(11);
        model = boardModel.load();
    }

    /** {@code count} acquisitions of a board with this timeline (index i is window i + 1). */
    private static List<Acquisition> run(FaultTimeline timeline, int count) {
        BoardFirmware firmware = new BoardFirmware(boardModel, model, SEED, timeline, 20);
        List<Acquisition> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(firmware.step());
        }
        return out;
    }

    private static List<Acquisition> run(Malfunction malfunction, int count) {
        return run(FaultTimeline.of(List.of(new Segment(FROM, TO, malfunction))), count);
    }

    private static Report report(List<Acquisition> run, long window) {
        return run.get((int) window - 1).report().orElseThrow();
    }

    @Test
    void aFrozenOutputRepeatsTheLastComputedOneWhileTheInputsMoveThenTheNpuRunsAgain() {
        List<Acquisition> healthy = run(FaultTimeline.HEALTHY, 200);
        List<Acquisition> stuck = run(Malfunction.OUTPUT_FROZEN, 200);
        byte[] frozen = report(healthy, FROM - 1).netOut();
        boolean referenceMoved = false;
        for (long w = 50; w <= 200; w++) {
            Report board = report(stuck, w);
            Report twin = report(healthy, w);
            assertThat(board.counter()).isEqualTo(twin.counter());
            assertThat(board.inputCrc32()).as("window %d", w).isEqualTo(twin.inputCrc32());
            assertThat(board.netOut()).as("window %d", w).containsExactly(FROM <= w && w < TO ? frozen : twin.netOut());
            referenceMoved |= FROM <= w && w < TO && !Arrays.equals(twin.netOut(), frozen);
        }
        assertThat(referenceMoved).isTrue();
    }

    @Test
    void frozenSensorsRepeatTheSampleBeforeTheSegmentThenMoveAgain() {
        List<Acquisition> stale = run(Malfunction.SENSORS_FROZEN, 250);
        float[] frozen = stale.get(FROM - 2).values();
        for (int w = FROM; w < TO; w++) {
            assertThat(stale.get(w - 1).values()).containsExactly(frozen);
        }
        assertThat(stale.get(TO - 1).values()).isNotEqualTo(frozen);
        // once the window holds only the frozen sample, every window is the same
        assertThat(report(stale, TO - 1).inputCrc32()).isEqualTo(report(stale, FROM + 49).inputCrc32());
    }

    @Test
    void aWrongZeroPointChangesTheCrcOfEveryWindowHoldingARowItQuantized() {
        List<Acquisition> healthy = run(FaultTimeline.HEALTHY, 250);
        List<Acquisition> mismatched = run(Malfunction.WRONG_ZERO_POINT, 250);
        for (long w = 50; w <= 250; w++) {
            boolean holdsAMisquantizedRow = FROM <= w && w < TO + 49;
            assertThat(report(mismatched, w).inputCrc32() != report(healthy, w).inputCrc32()).as("window %d", w)
                    .isEqualTo(holdsAMisquantizedRow);
        }
    }

    @Test
    void aDitheringOutputIsTheFrozenOneWithOneClassOneLsbAway() {
        List<Acquisition> healthy = run(FaultTimeline.HEALTHY, TO);
        List<Acquisition> dithering = run(Malfunction.OUTPUT_DITHERS, TO);
        byte[] frozen = report(healthy, FROM - 1).netOut();
        for (long w = FROM; w < TO; w++) {
            byte[] out = report(dithering, w).netOut();
            int moved = 0;
            for (int c = 0; c < out.length; c++) {
                assertThat(Math.abs(out[c] - frozen[c])).isLessThanOrEqualTo(1);
                moved += out[c] != frozen[c] ? 1 : 0;
            }
            assertThat(moved).as("window %d", w).isEqualTo(1);
        }
    }

    @Test
    void aBlippingOutputIsTheComputedOneOnAboutOneInferenceInTwenty() {
        int to = FROM + 4000;
        List<Acquisition> healthy = run(FaultTimeline.HEALTHY, to);
        List<Acquisition> blipping = run(FaultTimeline.of(List.of(new Segment(FROM, to, Malfunction.OUTPUT_BLIPS))), to);
        byte[] frozen = report(healthy, FROM - 1).netOut();
        int computed = 0;
        for (long w = FROM; w < to; w++) {
            byte[] out = report(blipping, w).netOut();
            if (!Arrays.equals(out, frozen)) {
                assertThat(out).as("window %d", w).containsExactly(report(healthy, w).netOut());
                computed++;
            }
        }
        assertThat(computed).isBetween(100, 300);
    }

    @Test
    void aRebootEmptiesTheWindowAndTheCounterWhileTheSensorsGoOn() {
        List<Acquisition> healthy = run(FaultTimeline.HEALTHY, 300);
        List<Acquisition> rebooted = run(FaultTimeline.of(List.of(new Segment(200, 201, Malfunction.REBOOTED))), 300);
        for (int w = 200; w < 249; w++) {
            assertThat(rebooted.get(w - 1).report()).as("window %d", w).isEmpty();
            assertThat(rebooted.get(w - 1).values()).containsExactly(healthy.get(w - 1).values());
        }
        for (long w = 249; w <= 300; w++) {
            Report board = report(rebooted, w);
            assertThat(board.counter()).isEqualTo(w - 248);
            assertThat(board.inputCrc32()).isEqualTo(report(healthy, w).inputCrc32());
            assertThat(board.netOut()).containsExactly(report(healthy, w).netOut());
        }
    }

    @Test
    void anIntermittentTimelineAlternatesSeededRunsWithinItsBounds() {
        FaultTimeline.Run stuck = new FaultTimeline.Run(40, 120);
        FaultTimeline.Run healthy = new FaultTimeline.Run(50, 250);
        List<Segment> runs = FaultTimeline.alternating(1000, 5000, Malfunction.OUTPUT_FROZEN, stuck, healthy, 3)
                .segments().toList();
        assertThat(runs.get(0).from()).isEqualTo(1000);
        assertThat(runs.get(runs.size() - 1).to()).isLessThanOrEqualTo(5000);
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).to() < 5000) {
                assertThat(runs.get(i).to() - runs.get(i).from()).isBetween(40L, 120L);
            }
            if (i > 0) {
                assertThat(runs.get(i).from() - runs.get(i - 1).to()).isBetween(50L, 250L);
            }
        }
        assertThat(FaultTimeline.alternating(1000, 5000, Malfunction.OUTPUT_FROZEN, stuck, healthy, 3).segments())
                .containsExactlyElementsOf(runs);
        assertThat(runs.stream().mapToLong(r -> r.to() - r.from()).distinct().count()).isGreaterThan(1);
    }
}

package io.flatline.streams.diagnose;

import io.flatline.schemas.Diagnosis;
import io.flatline.streams.detect.RecentOutputs;
import io.flatline.streams.detect.RunDetector;

/**
 * Tells why a board's output flatlined or diverged, from what the comparison with the reference saw. The rules
 * follow the product design: the reference stuck too on the same inputs is the model; different inputs are the
 * board's preprocessing; equal inputs with a reference that varies are the board's runtime; anything else says
 * what evidence is missing.
 */
public final class Diagnoser {

    private Diagnoser() {
    }

    /** A board whose output stayed identical for {@code runLength} inferences. */
    public static Verdict boardStuck(BoardEpisode e, int runLength) {
        String flat = "identical for " + runLength + " inferences";
        if (e.compared() == 0) {
            return new Verdict(Diagnosis.UNKNOWN, "board output " + flat + ", but none"
                    + " could be matched with a reference window: the board reports no windowEndSeq or inputCrc32"
                    + " that the reference knows");
        }
        int matched = e.compared() - e.inputMismatches() - e.inputUnknown();
        if (e.inputMismatches() * 2 > e.compared()) {
            return new Verdict(Diagnosis.PREPROCESSING_MISMATCH, "board input CRC differs from the reference's on "
                    + e.inputMismatches() + " of " + e.compared() + " windows: the board quantizes its inputs"
                    + " differently (scale, zero point or normalisation)");
        }
        if (e.referenceOutputs() <= 1) {
            return new Verdict(Diagnosis.MODEL_SATURATION, "reference output identical too on the same "
                    + e.compared() + " windows: the model itself cannot tell these inputs apart");
        }
        if (e.inputUnknown() * 2 > e.compared()) {
            return new Verdict(Diagnosis.UNKNOWN, "reference output took " + e.referenceOutputs() + " values over "
                    + e.compared() + " windows while the board's stayed identical, but the board reports no input"
                    + " CRC: preprocessing or runtime cannot be told apart");
        }
        return new Verdict(Diagnosis.BOARD_RUNTIME, "inputs match the reference on " + matched + " of "
                + e.compared() + " windows and the reference output took " + e.referenceOutputs()
                + " values, while the board's stayed " + flat + ": the board's"
                + " runtime (NPU memory, cache or buffer reuse) is not computing on its inputs");
    }

    /**
     * A board whose output stayed near one value on most of the flatline window without a strict run (SUSPECT),
     * while the reference's did not: judged on the same window, from the reference's outputs on the matched windows
     * ({@code recent}, each marked when the board's input CRC differed).
     */
    public static Verdict boardNearlyStuck(RecentOutputs recent, RunDetector.Settings settings) {
        int compared = (int) Math.min(recent.count(), recent.size());
        int mismatches = recent.distinctInputs() - 1;
        String flat = "board output within " + settings.flatlineToleranceLsb() + " LSB of one value on most of the"
                + " last " + settings.flatlineWindow() + " inferences";
        if (compared == 0) {
            return new Verdict(Diagnosis.UNKNOWN, flat + ", but none could be matched with a reference window");
        }
        if (mismatches * 2 > compared) {
            return new Verdict(Diagnosis.PREPROCESSING_MISMATCH, flat + "; its input CRC differs from the reference's"
                    + " on " + mismatches + " of the last " + compared + " matched windows: the board quantizes its"
                    + " inputs differently (scale, zero point or normalisation)");
        }
        return new Verdict(Diagnosis.BOARD_RUNTIME, flat + ", while the reference's output moved on the same"
                + " windows (within tolerance of one value on " + Math.round(100 * recent.nearShare()) + "% of them):"
                + " the board's runtime (NPU memory, cache or buffer reuse) is not computing on its inputs");
    }

    /** A board whose outputs differed from the reference's beyond tolerance, {@code run} times in a row. */
    public static Verdict divergence(int run, int worstLsb, int toleranceLsb, Boolean inputMatch) {
        String what = "board output differs from the reference by up to " + worstLsb + " LSB (tolerance "
                + toleranceLsb + ") on " + run + " windows in a row";
        if (Boolean.FALSE.equals(inputMatch)) {
            return new Verdict(Diagnosis.PREPROCESSING_MISMATCH, what + ", and its input CRC differs from the"
                    + " reference's");
        }
        if (Boolean.TRUE.equals(inputMatch)) {
            return new Verdict(Diagnosis.BOARD_RUNTIME, what + " on identical inputs");
        }
        return new Verdict(Diagnosis.UNKNOWN, what + "; the board reports no input CRC, so preprocessing and runtime"
                + " cannot be told apart");
    }

    /** A board that quantized {@code run} windows in a row differently from the reference. */
    public static Verdict inputMismatch(int run) {
        return new Verdict(Diagnosis.PREPROCESSING_MISMATCH, "board input CRC differs from the reference's on " + run
                + " windows in a row: the board quantizes its inputs differently (scale, zero point or"
                + " normalisation)");
    }

    /** Sensor values that stopped changing, seen in the readings: nothing is wrong with the model or the board. */
    public static Verdict staleReadings(int run) {
        return stale("the sensor values stayed identical for " + run + " readings");
    }

    /** A board's input window that stayed identical: its sensors stopped changing. */
    public static Verdict staleWindows(int run) {
        return stale("the board's input window stayed identical for " + run + " inferences");
    }

    private static Verdict stale(String what) {
        return new Verdict(Diagnosis.UNKNOWN, what + ": the sensors stopped changing (a stale sensor or a frozen"
                + " Modbus register), not the model or the board");
    }
}

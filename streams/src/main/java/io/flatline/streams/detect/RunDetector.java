package io.flatline.streams.detect;

import java.util.Arrays;

import io.flatline.schemas.AlertSeverity;
import io.flatline.streams.alarm.Activity;

/**
 * Follows one device's outputs from one source and tells, window by window, whether they have flatlined. Outputs
 * that stay identical over inputs that keep changing are STUCK_OUTPUT: at FAIL severity after a strict run of
 * {@code stuckRunLength}; at SUSPECT when, over the last {@code flatlineWindow} windows, a share of at least
 * {@code suspectShare} lay within {@code flatlineToleranceLsb} of one value (a near-flatline: blips, dither).
 * Sensor values that stopped changing are SENSOR_STALE, whatever the outputs do: counted in readings where the
 * readings are known (the reference), in identical windows where only a CRC is (a board); a stuck output is not
 * judged while the sensors are stale. What an operator sees of
 * these conditions (when an alarm is raised, when it clears) is the {@link io.flatline.streams.alarm.AlarmLifecycle}'s
 * business, not this class's.
 */
public final class RunDetector {

    /** An input key for outputs whose input is not known (a board inference that carries no CRC). */
    public static final long UNKNOWN_INPUT = Long.MIN_VALUE;

    private RunDetector() {
    }

    /**
     * @param stuckRunLength       identical outputs in a row that make a STUCK_OUTPUT (FAIL)
     * @param minDistinctInputs    how many input changes a run (or the flatline window) must span to be stuck, not
     *                             stale
     * @param staleRunLength       readings in a row with unchanged sensor values (identical windows, where only
     *                             a window's CRC is known) that make a SENSOR_STALE
     * @param flatlineWindow       windows the near-flatline measure looks back over
     * @param suspectShare         the share of those within tolerance of one value that makes a STUCK_OUTPUT
     *                             (SUSPECT)
     * @param flatlineToleranceLsb how far, in int8 steps per output, an output may lie from that value
     */
    public record Settings(int stuckRunLength, int minDistinctInputs, int staleRunLength, int flatlineWindow,
                           double suspectShare, int flatlineToleranceLsb) {

        /**
         * Measured on 1,000,000 healthy windows of the demo model and of the seed model (docs/streams.md): the largest
         * share of one exact output over 60 windows was 0.40 and 0.62; within 1 LSB it reached 0.95 and 1.0, so the
         * reference's own measure is exact by default.
         */
        public static final int FLATLINE_WINDOW = 60;
        public static final double SUSPECT_SHARE = 0.9;
        public static final int FLATLINE_TOLERANCE_LSB = 0;

        public Settings {
            if (stuckRunLength < 2 || staleRunLength < 2 || minDistinctInputs < 2) {
                throw new IllegalArgumentException("run lengths and distinct inputs must be at least 2");
            }
            if (flatlineWindow < 2 || !(suspectShare > 0.5 && suspectShare <= 1) || flatlineToleranceLsb < 0) {
                throw new IllegalArgumentException("flatlineWindow >= 2, 0.5 < suspectShare <= 1, tolerance >= 0");
            }
        }

        /** The same settings, measuring near-flatlines within {@code lsb} instead. */
        public Settings withTolerance(int lsb) {
            return new Settings(stuckRunLength, minDistinctInputs, staleRunLength, flatlineWindow, suspectShare, lsb);
        }

        /** The strict runs only, with the default near-flatline measure. */
        public Settings(int stuckRunLength, int minDistinctInputs, int staleRunLength) {
            this(stuckRunLength, minDistinctInputs, staleRunLength, FLATLINE_WINDOW, SUSPECT_SHARE,
                    FLATLINE_TOLERANCE_LSB);
        }
    }

    /**
     * One output: the window it ends, its raw int8 output, a key of its input ({@link #UNKNOWN_INPUT}), and how
     * many of the window's newest readings carried the same values ({@code steadyReadings}, 0 when not known: a
     * board reports only a CRC of its whole window).
     */
    public record Observation(long seq, byte[] netOut, long inputKey, int steadyReadings) {

        public Observation(long seq, byte[] netOut, long inputKey) {
            this(seq, netOut, inputKey, 0);
        }
    }

    /** The detector's memory after an output, and what the output means for each condition. */
    public record Result(RunState state, Activity stuck, Activity stale) {
    }

    /**
     * The detector's memory for one device and source.
     *
     * @param distinctInputs how many times the input changed within the run, plus one
     * @param staleRun       readings (or identical windows) in a row whose sensor values stayed the same
     * @param recent         the last outputs, for the near-flatline measure
     */
    public record RunState(byte[] netOut, long firstSeq, long lastSeq, int runLength, int distinctInputs,
                           long lastInput, long staleFirstSeq, int staleRun, RecentOutputs recent) {

        @Override
        public boolean equals(Object o) {
            return o instanceof RunState r && Arrays.equals(netOut, r.netOut) && firstSeq == r.firstSeq
                    && lastSeq == r.lastSeq && runLength == r.runLength && distinctInputs == r.distinctInputs
                    && lastInput == r.lastInput && staleFirstSeq == r.staleFirstSeq && staleRun == r.staleRun
                    && recent.equals(r.recent);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(netOut) * 31 + Long.hashCode(lastSeq);
        }

        @Override
        public String toString() {
            return "RunState[out=" + Arrays.toString(netOut) + ", seq " + firstSeq + ".." + lastSeq + ", run "
                    + runLength + ", distinct " + distinctInputs + ", stale " + staleRun + ", " + recent + "]";
        }
    }

    public static Result observe(RunState state, Observation o, Settings settings) {
        boolean known = o.inputKey() != UNKNOWN_INPUT;
        boolean sameOutput = state != null && Arrays.equals(state.netOut(), o.netOut());
        boolean sameInput = state != null && known && state.lastInput() == o.inputKey();
        boolean inputMoved = known && !sameInput;
        RecentOutputs recent = (state == null ? RecentOutputs.empty(settings.flatlineWindow(), o.netOut().length)
                : state.recent()).add(o.netOut(), inputMoved, settings.flatlineToleranceLsb());

        int staleRun;
        if (o.steadyReadings() > 0) {
            // Once the whole window is one reading, the run goes on for as long as the window stays the same.
            staleRun = sameInput && state.staleRun() >= o.steadyReadings() ? state.staleRun() + 1 : o.steadyReadings();
        } else {
            staleRun = sameInput ? state.staleRun() + 1 : known ? 1 : 0;
        }
        long staleFirstSeq = o.seq() - Math.max(staleRun, 1) + 1;

        RunState next;
        if (sameOutput) {
            next = new RunState(state.netOut(), state.firstSeq(), o.seq(), state.runLength() + 1,
                    state.distinctInputs() + (inputMoved ? 1 : 0), known ? o.inputKey() : state.lastInput(),
                    staleFirstSeq, staleRun, recent);
        } else {
            next = new RunState(o.netOut().clone(), o.seq(), o.seq(), 1, known ? 1 : 0, o.inputKey(), staleFirstSeq,
                    staleRun, recent);
        }

        boolean stale = next.staleRun() >= settings.staleRunLength();
        Activity staleActivity = stale ? new Activity(AlertSeverity.FAIL, next.staleFirstSeq(), next.staleRun(), 1,
                next.netOut(), () -> null) : Activity.NONE;
        Activity stuck = Activity.NONE;
        if (stale) {
            return new Result(next, stuck, staleActivity);
        }
        if (next.runLength() >= settings.stuckRunLength() && next.distinctInputs() >= settings.minDistinctInputs()) {
            stuck = new Activity(AlertSeverity.FAIL, next.firstSeq(), next.runLength(), next.distinctInputs(),
                    next.netOut(), () -> null);
        } else if (recent.nearShare() >= settings.suspectShare()
                && recent.distinctInputs() >= settings.minDistinctInputs()) {
            stuck = new Activity(AlertSeverity.SUSPECT, o.seq() - recent.size() + 1, recent.size(),
                    recent.distinctInputs(), recent.anchor(), () -> null);
        }
        return new Result(next, stuck, staleActivity);
    }
}

package io.flatline.streams.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertState;

/**
 * Follows one device's outputs from one source and tells when they flatline. A run of identical outputs
 * over inputs that keep changing is a STUCK_OUTPUT; identical outputs over identical inputs are a sensor that
 * did not change, SENSOR_STALE. Each episode yields exactly one RAISED edge and one CLEARED edge, however
 * long it lasts.
 */
public final class RunDetector {

    /** An input key for outputs whose input is not known (a board inference that carries no CRC). */
    public static final long UNKNOWN_INPUT = Long.MIN_VALUE;

    private RunDetector() {
    }

    /**
     * @param stuckRunLength    identical outputs in a row that raise STUCK_OUTPUT
     * @param minDistinctInputs how many input changes the run must span to count as stuck, not stale
     * @param staleRunLength    identical outputs on identical inputs in a row that raise SENSOR_STALE
     */
    public record Settings(int stuckRunLength, int minDistinctInputs, int staleRunLength) {
        public Settings {
            if (stuckRunLength < 2 || staleRunLength < 2 || minDistinctInputs < 2) {
                throw new IllegalArgumentException("run lengths and distinct inputs must be at least 2");
            }
        }
    }

    /** One output: the window it ends, its raw int8 output, and a key of its input ({@link #UNKNOWN_INPUT}). */
    public record Observation(long seq, byte[] netOut, long inputKey) {
    }

    /** An alert edge, before diagnosis. */
    public record Edge(AlertKind kind, AlertState state, long firstSeq, long lastSeq, int runLength,
                       int distinctInputs, byte[] netOut) {
    }

    public record Result(RunState state, List<Edge> edges) {
        /** Whether this observation started a new run of outputs (the output moved). */
        public boolean newRun() {
            return state.runLength() == 1;
        }
    }

    /**
     * The detector's memory for one device and source.
     *
     * @param distinctInputs how many times the input changed within the run, plus one
     * @param staleRun       outputs in a row whose input and output both stayed the same
     */
    public record RunState(byte[] netOut, long firstSeq, long lastSeq, int runLength, int distinctInputs,
                           long lastInput, long staleFirstSeq, int staleRun, boolean stuckOpen, boolean staleOpen) {

        @Override
        public boolean equals(Object o) {
            return o instanceof RunState r && Arrays.equals(netOut, r.netOut) && firstSeq == r.firstSeq
                    && lastSeq == r.lastSeq && runLength == r.runLength && distinctInputs == r.distinctInputs
                    && lastInput == r.lastInput && staleFirstSeq == r.staleFirstSeq && staleRun == r.staleRun
                    && stuckOpen == r.stuckOpen && staleOpen == r.staleOpen;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(netOut) * 31 + Long.hashCode(lastSeq);
        }

        @Override
        public String toString() {
            return "RunState[out=" + Arrays.toString(netOut) + ", seq " + firstSeq + ".." + lastSeq + ", run "
                    + runLength + ", distinct " + distinctInputs + ", stale " + staleRun + ", stuckOpen " + stuckOpen
                    + ", staleOpen " + staleOpen + "]";
        }
    }

    public static Result observe(RunState state, Observation o, Settings settings) {
        // Most observations change no alert: no room for edges until one comes.
        List<Edge> edges = new ArrayList<>(0);
        boolean known = o.inputKey() != UNKNOWN_INPUT;
        boolean sameOutput = state != null && Arrays.equals(state.netOut(), o.netOut());
        boolean sameInput = state != null && known && state.lastInput() == o.inputKey();

        if (state != null && state.staleOpen() && !(sameOutput && sameInput)) {
            edges.add(new Edge(AlertKind.SENSOR_STALE, AlertState.CLEARED, state.staleFirstSeq(), state.lastSeq(),
                    state.staleRun(), 1, state.netOut()));
        }
        if (state != null && state.stuckOpen() && !sameOutput) {
            edges.add(new Edge(AlertKind.STUCK_OUTPUT, AlertState.CLEARED, state.firstSeq(), state.lastSeq(),
                    state.runLength(), state.distinctInputs(), state.netOut()));
        }

        RunState next;
        if (sameOutput) {
            boolean inputChanged = known && !sameInput;
            next = new RunState(state.netOut(), state.firstSeq(), o.seq(), state.runLength() + 1,
                    state.distinctInputs() + (inputChanged ? 1 : 0), known ? o.inputKey() : state.lastInput(),
                    sameInput ? state.staleFirstSeq() : o.seq(), sameInput ? state.staleRun() + 1 : 1,
                    state.stuckOpen(), sameInput && state.staleOpen());
        } else {
            next = new RunState(o.netOut().clone(), o.seq(), o.seq(), 1, known ? 1 : 0, o.inputKey(), o.seq(),
                    1, false, false);
        }

        if (!next.stuckOpen() && next.runLength() >= settings.stuckRunLength()
                && next.distinctInputs() >= settings.minDistinctInputs()) {
            next = withStuckOpen(next);
            edges.add(new Edge(AlertKind.STUCK_OUTPUT, AlertState.RAISED, next.firstSeq(), next.lastSeq(),
                    next.runLength(), next.distinctInputs(), next.netOut()));
        }
        if (!next.staleOpen() && next.staleRun() >= settings.staleRunLength()) {
            next = withStaleOpen(next);
            edges.add(new Edge(AlertKind.SENSOR_STALE, AlertState.RAISED, next.staleFirstSeq(), next.lastSeq(),
                    next.staleRun(), 1, next.netOut()));
        }
        return new Result(next, edges.isEmpty() ? List.of() : List.copyOf(edges));
    }

    private static RunState withStuckOpen(RunState s) {
        return new RunState(s.netOut(), s.firstSeq(), s.lastSeq(), s.runLength(), s.distinctInputs(), s.lastInput(),
                s.staleFirstSeq(), s.staleRun(), true, s.staleOpen());
    }

    private static RunState withStaleOpen(RunState s) {
        return new RunState(s.netOut(), s.firstSeq(), s.lastSeq(), s.runLength(), s.distinctInputs(), s.lastInput(),
                s.staleFirstSeq(), s.staleRun(), s.stuckOpen(), true);
    }
}

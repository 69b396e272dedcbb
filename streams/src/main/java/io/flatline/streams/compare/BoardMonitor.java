package io.flatline.streams.compare;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSeverity;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.streams.alarm.Activity;
import io.flatline.streams.detect.RecentOutputs;
import io.flatline.streams.detect.RunDetector;
import io.flatline.streams.diagnose.BoardEpisode;
import io.flatline.streams.diagnose.Diagnoser;
import io.flatline.streams.diagnose.Verdict;

/**
 * Holds one board's reported inferences against the reference, in the order they arrive: matches each with the
 * reference window it ran on, compares the outputs, follows the board's own output runs, and says, per settled
 * inference, which of the board's conditions hold and why. Pure: the reference windows come in through
 * {@link References} and everything it learns goes out in an {@link Outcome}; the alarms those conditions make are
 * {@link io.flatline.streams.alarm.DeviceAlarms}'s.
 *
 * <p>Matching does not depend on the order in which a report and its readings reach the task: a report is
 * matched with the window whose input CRC equals its own among the windows ending within
 * {@link #ALIGNMENT_SLACK} readings of its {@code windowEndSeq}, nearest first, and waits until every one of them
 * that could come first has been computed. Only when all of them are computed and none has its CRC is it an input
 * mismatch, held against the window at its {@code windowEndSeq}.
 */
public final class BoardMonitor {

    /**
     * How many readings past a board inference's window the reference may still produce the window the board
     * really ran on: a board samples on its own clock, so its window can end a reading or two after the seq
     * ingest pinned it to.
     */
    static final int ALIGNMENT_SLACK = 3;

    private BoardMonitor() {
    }

    public record Settings(RunDetector.Settings detector, int toleranceLsb, int divergenceRun, int summaryWindows,
                           int retentionWindows, int maxPending) {
    }

    /** A reference prediction, as much of it as matching needs. */
    public record Reference(long seq, long crc, byte[] netOut) {
    }

    /** The recent reference windows of the board's device. */
    public interface References {
        Optional<Reference> bySeq(long seq);

        Optional<Reference> byCrc(long crc);

        /** The newest reference window's seq, -1 before the first. */
        long newestSeq();
    }

    /** A board inference waiting for its reference window. */
    public record Pending(long timestamp, long inferenceCount, Long windowEndSeq, Long inputCrc32, byte[] netOut,
                          long arrivedAtReferenceSeq) {
        static Pending of(BoardInference bi, long newestReferenceSeq) {
            ByteBuffer out = bi.getNetOut().duplicate();
            byte[] bytes = new byte[out.remaining()];
            out.get(bytes);
            // A CRC-32 written as a signed 32-bit value is the same CRC: it is kept as the unsigned one.
            Long crc = bi.getInputCrc32() == null ? null : bi.getInputCrc32() & 0xFFFF_FFFFL;
            return new Pending(bi.getTimestamp().toEpochMilli(), bi.getInferenceCount(), bi.getWindowEndSeq(), crc,
                    bytes, newestReferenceSeq);
        }
    }

    /**
     * @param episode  what the comparison saw over the board's current run of identical outputs: the evidence for a
     *                 strict (FAIL) stuck output
     * @param recent   the reference's outputs on the last matched windows, each marked when the board's input CRC
     *                 differed: the evidence for a near-flatline (SUSPECT), which spans the flatline window
     */
    public record State(RunDetector.RunState run, BoardEpisode episode, RecentOutputs recent, ConditionRun divergence,
                        ConditionRun mismatch, AgreementWindow agreement, List<Pending> pending, long joinMisses) {

        public static State initial(int summaryWindows, int outputs) {
            return new State(null, BoardEpisode.empty(), null, ConditionRun.idle(), ConditionRun.idle(),
                    AgreementWindow.empty(summaryWindows, outputs), List.of(), 0);
        }

        /**
         * The state of a board whose device moved to another model from window {@code firstSeq} on: everything
         * starts afresh but its reports of those windows, which wait for the new model's.
         */
        public State cutAt(long firstSeq, int summaryWindows, int outputs) {
            List<Pending> kept = pending.stream().filter(p -> p.windowEndSeq() != null && p.windowEndSeq() >= firstSeq)
                    .toList();
            return new State(null, BoardEpisode.empty(), null, ConditionRun.idle(), ConditionRun.idle(),
                    AgreementWindow.empty(summaryWindows, outputs), kept, joinMisses);
        }
    }

    /** One of the board's conditions after one settled inference. */
    public record Signal(AlertKind kind, Activity activity, long seq, long time) {
    }

    public record Outcome(State state, List<BoardComparison> comparisons, List<Signal> signals) {
    }

    /** A new board inference: queued behind any that still wait, then everything that can be settled is. */
    public static Outcome onBoardInference(String device, State state, BoardInference bi, References refs,
                                           Settings settings) {
        List<Pending> queue = new ArrayList<>(state.pending());
        queue.add(Pending.of(bi, refs.newestSeq()));
        return drain(device, withPending(state, queue, state.joinMisses()), refs, settings);
    }

    /** A new reference window: inferences that waited for it can now be settled. */
    public static Outcome onReference(String device, State state, References refs, Settings settings) {
        return drain(device, state, refs, settings);
    }

    private static Outcome drain(String device, State state, References refs, Settings settings) {
        List<Pending> queue = new ArrayList<>(state.pending());
        List<BoardComparison> comparisons = new ArrayList<>();
        List<Signal> signals = new ArrayList<>();
        State current = state;
        long misses = state.joinMisses();
        while (!queue.isEmpty()) {
            Pending head = queue.get(0);
            Resolution r = resolve(head, refs, settings);
            if (r.waiting() && queue.size() <= settings.maxPending()) {
                break;
            }
            queue.remove(0);
            if (r.match().isEmpty()) {
                misses++;
                if (notComputedByTheReference(head, refs, settings)) {
                    continue;
                }
            }
            current = settle(device, current, head, r.match(), settings, comparisons, signals);
        }
        return new Outcome(withPending(current, queue, misses), comparisons, signals);
    }

    /**
     * A report of a window the reference did not compute (its window was not full yet: before the device's first
     * 50 readings, or after a gap reset it) says nothing about the board, so it stays out of the board's run.
     * Otherwise a board stuck from the start, or across a gap, would be raised with nothing matched (UNKNOWN)
     * and keep that verdict for the whole episode. Only windows within the retention can be told apart: an
     * older one, or a report without a windowEndSeq, still counts.
     */
    private static boolean notComputedByTheReference(Pending p, References refs, Settings settings) {
        Long seq = p.windowEndSeq();
        return seq != null && seq > refs.newestSeq() - settings.retentionWindows() && refs.bySeq(seq).isEmpty();
    }

    private record Match(Reference reference, Boolean inputMatch) {
    }

    /** What can be said of a waiting inference now: its match, that it never will match, or that it must wait. */
    private record Resolution(Optional<Match> match, boolean waiting) {
        static final Resolution WAIT = new Resolution(Optional.empty(), true);
        static final Resolution NEVER = new Resolution(Optional.empty(), false);

        static Resolution of(Reference r, Boolean inputMatch) {
            return new Resolution(Optional.of(new Match(r, inputMatch)), false);
        }
    }

    private static Resolution resolve(Pending p, References refs, Settings settings) {
        Long end = p.windowEndSeq();
        Long crc = p.inputCrc32();
        if (end == null) {
            // Nothing to align with: the newest window with the same input, while one can still come.
            Optional<Reference> same = crc == null ? Optional.empty() : refs.byCrc(crc);
            if (same.isPresent()) {
                return Resolution.of(same.get(), true);
            }
            return refs.newestSeq() - p.arrivedAtReferenceSeq() > settings.retentionWindows() || crc == null
                    ? Resolution.NEVER : Resolution.WAIT;
        }
        if (crc == null) {
            if (refs.newestSeq() < end) {
                return Resolution.WAIT;
            }
            return refs.bySeq(end).map(r -> Resolution.of(r, null)).orElse(Resolution.NEVER);
        }
        // Nearest first: end, end + 1, end - 1, end + 2, ... The first candidate not computed yet is waited for,
        // so the answer is the same whether the report came before, with or after its readings.
        for (int k = 0; k <= 2 * ALIGNMENT_SLACK; k++) {
            long seq = end + (k % 2 == 1 ? (k + 1) / 2 : -(k / 2));
            if (seq > refs.newestSeq()) {
                return Resolution.WAIT;
            }
            Optional<Reference> candidate = refs.bySeq(seq);
            if (candidate.isPresent() && candidate.get().crc() == crc) {
                return Resolution.of(candidate.get(), true);
            }
        }
        return refs.bySeq(end).map(r -> Resolution.of(r, false)).orElse(Resolution.NEVER);
    }

    private static State settle(String device, State s, Pending p, Optional<Match> match, Settings settings,
                                List<BoardComparison> comparisons, List<Signal> signals) {
        long seq = match.map(m -> m.reference().seq())
                .orElse(p.windowEndSeq() != null ? p.windowEndSeq() : p.inferenceCount());
        long inputKey = p.inputCrc32() != null ? p.inputCrc32()
                : match.map(m -> m.reference().crc()).orElse(RunDetector.UNKNOWN_INPUT);
        long time = p.timestamp();

        // A board's near-flatline is measured within the agreement tolerance, and counts only where the reference,
        // on the same windows, was not near-flat too: a healthy board that follows a slowly moving reference within
        // 1 LSB is not stuck, and a model that hardly moves is the reference's alarm to raise, not the board's.
        RunDetector.Settings detector = settings.detector().withTolerance(settings.toleranceLsb());
        RunDetector.Result run = RunDetector.observe(s.run(), new RunDetector.Observation(seq, p.netOut(), inputKey),
                detector);
        BoardEpisode episode = run.state().runLength() == 1 ? BoardEpisode.empty() : s.episode();
        RecentOutputs recent = s.recent() != null ? s.recent()
                : RecentOutputs.empty(detector.flatlineWindow(), p.netOut().length);
        AgreementWindow agreement = s.agreement();
        ConditionRun divergence = s.divergence();
        ConditionRun mismatch = s.mismatch();
        Activity diverging = Activity.NONE;
        Activity mismatching = Activity.NONE;

        if (match.isPresent()) {
            Reference ref = match.get().reference();
            Boolean inputMatch = match.get().inputMatch();
            int diff = OutputComparison.maxAbsDiffLsb(p.netOut(), ref.netOut());
            comparisons.add(BoardComparison.newBuilder().setDeviceId(device).setWindowEndSeq(ref.seq())
                    .setInputMatch(inputMatch).setBoardNetOut(ByteBuffer.wrap(p.netOut().clone()))
                    .setReferenceNetOut(ByteBuffer.wrap(ref.netOut().clone())).setMaxAbsDiffLsb(diff)
                    .setTop1Agree(OutputComparison.top1Agree(p.netOut(), ref.netOut())).build());
            episode = episode.add(inputMatch, ref.netOut());
            recent = recent.add(ref.netOut(), Boolean.FALSE.equals(inputMatch), detector.flatlineToleranceLsb());
            agreement = agreement.add(p.netOut(), ref.netOut());

            divergence = divergence.observe(diff > settings.toleranceLsb(), seq, diff, settings.divergenceRun(),
                    settings.divergenceRun());
            ConditionRun d = divergence;
            diverging = holding(d, p.netOut(), () -> Diagnoser.divergence(d.holding(), d.worst(),
                    settings.toleranceLsb(), inputMatch));
            mismatch = mismatch.observe(Boolean.FALSE.equals(inputMatch), seq, 0, settings.divergenceRun(),
                    settings.divergenceRun());
            ConditionRun m = mismatch;
            mismatching = holding(m, p.netOut(), () -> Diagnoser.inputMismatch(m.holding()));
        }
        BoardEpisode evidence = episode;
        RecentOutputs around = recent;
        Activity stuck = run.stuck().severity() == AlertSeverity.SUSPECT
                && recent.nearShare() >= detector.suspectShare() ? Activity.NONE : run.stuck();
        signals.add(new Signal(AlertKind.STUCK_OUTPUT, stuck.because(() -> stuck.severity() == AlertSeverity.FAIL
                ? Diagnoser.boardStuck(evidence, stuck.runLength()) : Diagnoser.boardNearlyStuck(around, detector)),
                seq, time));
        signals.add(new Signal(AlertKind.SENSOR_STALE,
                run.stale().because(() -> Diagnoser.staleWindows(run.stale().runLength())), seq, time));
        signals.add(new Signal(AlertKind.BOARD_DIVERGENCE, diverging, seq, time));
        signals.add(new Signal(AlertKind.INPUT_MISMATCH, mismatching, seq, time));
        return new State(run.state(), episode, recent, divergence, mismatch, agreement, s.pending(), s.joinMisses());
    }

    /** A comparison condition's activity: it holds while its run is open (raised, and not failed long enough). */
    private static Activity holding(ConditionRun run, byte[] netOut, java.util.function.Supplier<Verdict> why) {
        return run.open() ? new Activity(AlertSeverity.FAIL, run.firstSeq(), run.length(), 0, netOut.clone(), why)
                : Activity.NONE;
    }

    private static State withPending(State s, List<Pending> pending, long misses) {
        return new State(s.run(), s.episode(), s.recent(), s.divergence(), s.mismatch(), s.agreement(),
                List.copyOf(pending), misses);
    }
}

package io.flatline.streams.compare;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSource;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.streams.detect.RunDetector;
import io.flatline.streams.diagnose.BoardEpisode;
import io.flatline.streams.diagnose.Diagnoser;
import io.flatline.streams.diagnose.Verdict;

/**
 * Holds one board's reported inferences against the reference, in the order the board made them: matches each
 * with the reference window it ran on, compares the outputs, follows the board's own output runs, and raises
 * the board's alerts with their diagnosis. Pure: the reference windows come in through {@link References} and
 * everything it learns goes out in an {@link Outcome}.
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
            return new Pending(bi.getTimestamp().toEpochMilli(), bi.getInferenceCount(), bi.getWindowEndSeq(),
                    bi.getInputCrc32(), bytes, newestReferenceSeq);
        }
    }

    /** An alert that is RAISED and not yet CLEARED, with the verdict it was raised with. */
    public record OpenAlert(AlertKind kind, Verdict verdict) {
    }

    public record State(RunDetector.RunState run, BoardEpisode episode, ConditionRun divergence,
                        ConditionRun mismatch, AgreementWindow agreement, List<OpenAlert> open, List<Pending> pending,
                        long joinMisses) {

        public static State initial(int summaryWindows, int outputs) {
            return new State(null, BoardEpisode.empty(), ConditionRun.idle(), ConditionRun.idle(),
                    AgreementWindow.empty(summaryWindows, outputs), List.of(), List.of(), 0);
        }
    }

    public record Outcome(State state, List<BoardComparison> comparisons, List<Alert> alerts) {
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
        List<Alert> alerts = new ArrayList<>();
        State current = state;
        long misses = state.joinMisses();
        while (!queue.isEmpty()) {
            Pending head = queue.get(0);
            Optional<Match> match = resolve(head, refs);
            boolean expired = match.isEmpty() && (queue.size() > settings.maxPending() || expired(head, refs, settings));
            if (match.isEmpty() && !expired) {
                break;
            }
            queue.remove(0);
            if (match.isEmpty()) {
                misses++;
                if (notComputedByTheReference(head, refs, settings)) {
                    continue;
                }
            }
            current = settle(device, current, head, match, settings, comparisons, alerts);
        }
        return new Outcome(withPending(current, queue, misses), comparisons, alerts);
    }

    /**
     * An inference whose window the reference has passed without a match, or that waited longer than the
     * retention, will never match: it is settled as a miss rather than held forever.
     */
    private static boolean expired(Pending p, References refs, Settings settings) {
        if (p.windowEndSeq() != null) {
            return refs.newestSeq() >= p.windowEndSeq() + ALIGNMENT_SLACK;
        }
        return refs.newestSeq() - p.arrivedAtReferenceSeq() > settings.retentionWindows();
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

    private static Optional<Match> resolve(Pending p, References refs) {
        if (p.inputCrc32() != null) {
            Optional<Reference> sameInput = refs.byCrc(p.inputCrc32());
            if (sameInput.isPresent()) {
                return Optional.of(new Match(sameInput.get(), true));
            }
            // Only once the reference has moved past every window the board may have meant is a different CRC
            // a different input rather than a window that has not been computed yet.
            if (p.windowEndSeq() != null && refs.newestSeq() >= p.windowEndSeq() + ALIGNMENT_SLACK) {
                return refs.bySeq(p.windowEndSeq()).map(r -> new Match(r, false));
            }
            return Optional.empty();
        }
        if (p.windowEndSeq() != null) {
            return refs.bySeq(p.windowEndSeq()).map(r -> new Match(r, null));
        }
        return Optional.empty();
    }

    private static State settle(String device, State s, Pending p, Optional<Match> match, Settings settings,
                                List<BoardComparison> comparisons, List<Alert> alerts) {
        long seq = match.map(m -> m.reference().seq())
                .orElse(p.windowEndSeq() != null ? p.windowEndSeq() : p.inferenceCount());
        long inputKey = p.inputCrc32() != null ? p.inputCrc32()
                : match.map(m -> m.reference().crc()).orElse(RunDetector.UNKNOWN_INPUT);
        Instant at = Instant.ofEpochMilli(p.timestamp());
        List<OpenAlert> open = new ArrayList<>(s.open());

        RunDetector.Result run = RunDetector.observe(s.run(), new RunDetector.Observation(seq, p.netOut(), inputKey),
                settings.detector());
        BoardEpisode episode = run.newRun() ? BoardEpisode.empty() : s.episode();
        AgreementWindow agreement = s.agreement();
        ConditionRun divergence = s.divergence();
        ConditionRun mismatch = s.mismatch();

        if (match.isPresent()) {
            Reference ref = match.get().reference();
            Boolean inputMatch = match.get().inputMatch();
            int diff = OutputComparison.maxAbsDiffLsb(p.netOut(), ref.netOut());
            comparisons.add(BoardComparison.newBuilder().setDeviceId(device).setWindowEndSeq(ref.seq())
                    .setInputMatch(inputMatch).setBoardNetOut(ByteBuffer.wrap(p.netOut().clone()))
                    .setReferenceNetOut(ByteBuffer.wrap(ref.netOut().clone())).setMaxAbsDiffLsb(diff)
                    .setTop1Agree(OutputComparison.top1Agree(p.netOut(), ref.netOut())).build());
            episode = episode.add(inputMatch, ref.netOut());
            agreement = agreement.add(p.netOut(), ref.netOut());

            ConditionRun.Step d = divergence.observe(diff > settings.toleranceLsb(), seq, diff,
                    settings.divergenceRun(), settings.divergenceRun());
            divergence = d.run();
            if (d.edge() == ConditionRun.Edge.RAISED) {
                Verdict v = Diagnoser.divergence(d.run().holding(), d.run().worst(), settings.toleranceLsb(), inputMatch);
                alerts.add(alert(device, AlertKind.BOARD_DIVERGENCE, AlertState.RAISED, d.run(), p.netOut(), v, at));
                open.add(new OpenAlert(AlertKind.BOARD_DIVERGENCE, v));
            } else if (d.edge() == ConditionRun.Edge.CLEARED) {
                alerts.add(alert(device, AlertKind.BOARD_DIVERGENCE, AlertState.CLEARED, d.run(), p.netOut(),
                        close(open, AlertKind.BOARD_DIVERGENCE), at));
            }

            ConditionRun.Step m = mismatch.observe(Boolean.FALSE.equals(inputMatch), seq, 0, settings.divergenceRun(),
                    settings.divergenceRun());
            mismatch = m.run();
            if (m.edge() == ConditionRun.Edge.RAISED) {
                Verdict v = Diagnoser.inputMismatch(m.run().holding());
                alerts.add(alert(device, AlertKind.INPUT_MISMATCH, AlertState.RAISED, m.run(), p.netOut(), v, at));
                open.add(new OpenAlert(AlertKind.INPUT_MISMATCH, v));
            } else if (m.edge() == ConditionRun.Edge.CLEARED) {
                alerts.add(alert(device, AlertKind.INPUT_MISMATCH, AlertState.CLEARED, m.run(), p.netOut(),
                        close(open, AlertKind.INPUT_MISMATCH), at));
            }
        }

        for (RunDetector.Edge edge : run.edges()) {
            Verdict verdict;
            if (edge.state() == AlertState.RAISED) {
                verdict = edge.kind() == AlertKind.STUCK_OUTPUT
                        ? Diagnoser.boardStuck(episode, edge.runLength())
                        : Diagnoser.staleInputs(edge.runLength());
                open.add(new OpenAlert(edge.kind(), verdict));
            } else {
                verdict = close(open, edge.kind());
            }
            alerts.add(Alert.newBuilder().setDeviceId(device).setKind(edge.kind()).setState(edge.state())
                    .setSource(AlertSource.BOARD).setFirstSeq(edge.firstSeq()).setLastSeq(edge.lastSeq())
                    .setRunLength(edge.runLength()).setDistinctInputs(edge.distinctInputs())
                    .setNetOut(ByteBuffer.wrap(edge.netOut().clone())).setDiagnosis(verdict.diagnosis())
                    .setEvidence(verdict.evidence()).setTimestamp(at).build());
        }
        return new State(run.state(), episode, divergence, mismatch, agreement, List.copyOf(open), s.pending(),
                s.joinMisses());
    }

    private static Alert alert(String device, AlertKind kind, AlertState state, ConditionRun run, byte[] netOut,
                               Verdict verdict, Instant at) {
        return Alert.newBuilder().setDeviceId(device).setKind(kind).setState(state).setSource(AlertSource.BOARD)
                .setFirstSeq(run.firstSeq()).setLastSeq(run.lastSeq()).setRunLength(run.length())
                .setDistinctInputs(0).setNetOut(ByteBuffer.wrap(netOut.clone())).setDiagnosis(verdict.diagnosis())
                .setEvidence(verdict.evidence()).setTimestamp(at).build();
    }

    /** Removes an open alert and returns the verdict it was raised with, for its CLEARED record. */
    private static Verdict close(List<OpenAlert> open, AlertKind kind) {
        for (int i = 0; i < open.size(); i++) {
            if (open.get(i).kind() == kind) {
                return open.remove(i).verdict();
            }
        }
        return new Verdict(io.flatline.schemas.Diagnosis.UNKNOWN, "cleared");
    }

    private static State withPending(State s, List<Pending> pending, long misses) {
        return new State(s.run(), s.episode(), s.divergence(), s.mismatch(), s.agreement(), s.open(),
                List.copyOf(pending), misses);
    }
}

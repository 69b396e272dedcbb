package io.flatline.streams.alarm;

import java.util.function.Supplier;

import io.flatline.schemas.AlertSeverity;
import io.flatline.streams.diagnose.Verdict;

/**
 * What a detector says about one condition after one window: whether it holds now, and how badly. A detector
 * decides when a condition starts (its on-delay: a run length); the {@link AlarmLifecycle} decides what an
 * operator sees of it.
 *
 * @param severity       null while the condition does not hold
 * @param firstSeq       the first window of the run that made it hold
 * @param runLength      windows in that run
 * @param distinctInputs input changes the run spanned, plus one
 * @param netOut         the output the run is about (the repeated one, or the latest)
 * @param verdict        the diagnosis, asked for only when the condition raises an alarm (the evidence can be costly
 *                       to gather)
 */
public record Activity(AlertSeverity severity, long firstSeq, int runLength, int distinctInputs, byte[] netOut,
                       Supplier<Verdict> verdict) {

    public static final Activity NONE = new Activity(null, -1, 0, 0, new byte[0], () -> null);

    /** The same activity, with the diagnosis an alarm it raises would carry. */
    public Activity because(Supplier<Verdict> why) {
        return holds() ? new Activity(severity, firstSeq, runLength, distinctInputs, netOut, why) : this;
    }

    public boolean holds() {
        return severity != null;
    }
}

package io.flatline.streams.alarm;

import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSeverity;
import io.flatline.schemas.AlertSource;
import io.flatline.streams.diagnose.Verdict;

/**
 * One open alarm: raised, and not yet cleared. It stays open while its condition holds and for
 * {@link AlarmSettings#clearAfter()} windows after (the off-delay); a condition that comes back within them is
 * the same episode, counted in {@code returns}. Once its episode has come back (see {@link DeviceAlarms}), the fault
 * is intermittent, and the alarm clears only when its condition has also stayed away for
 * {@link AlarmSettings#hold()}.
 *
 * @param episodeId      the root-cause episode it belongs to (see {@link DeviceAlarms})
 * @param firstOut       whether it opened that episode
 * @param firstSeq       the first window of the run that raised it
 * @param lastActiveSeq  the latest window on which its condition held
 * @param lastActiveTime when that was, in record time (epoch milliseconds)
 * @param healthyRun     windows in a row without the condition since then; 0 while it holds
 * @param returns        how many times the condition came back after stopping
 * @param severity       the highest severity reached
 */
public record AlarmLifecycle(AlertSource source, AlertKind kind, String episodeId, boolean firstOut, long firstSeq,
                             long lastActiveSeq, long lastActiveTime, int healthyRun, int returns,
                             AlertSeverity severity, int distinctInputs, byte[] netOut, Verdict verdict) {

    public enum Change { NONE, CLEARED }

    public record Step(AlarmLifecycle next, Change change) {
    }

    /** The alarm a condition raises when it starts to hold and no alarm of its kind is open. */
    static AlarmLifecycle raised(AlertSource source, AlertKind kind, String episodeId, boolean firstOut, Activity a,
                                 long seq, long time) {
        return new AlarmLifecycle(source, kind, episodeId, firstOut, a.firstSeq(), seq, time, 0, 0, a.severity(),
                a.distinctInputs(), a.netOut().clone(), verdictOf(a));
    }

    private static Verdict verdictOf(Activity a) {
        Verdict v = a.verdict().get();
        return v != null ? v : new Verdict(io.flatline.schemas.Diagnosis.UNKNOWN, "no evidence was gathered");
    }

    public boolean holding() {
        return healthyRun == 0;
    }

    /** Windows from the first of the raising run to the latest on which the condition held. */
    public int span() {
        return (int) Math.min(Integer.MAX_VALUE, lastActiveSeq - firstSeq + 1);
    }

    /** One more window of this alarm's condition; {@code intermittent}: whether its episode has come back. */
    Step observe(Activity a, long seq, long time, AlarmSettings settings, boolean intermittent) {
        if (a.holds()) {
            int came = healthyRun > 0 ? 1 : 0;
            AlertSeverity worst = severity == AlertSeverity.FAIL || a.severity() == AlertSeverity.FAIL
                    ? AlertSeverity.FAIL : AlertSeverity.SUSPECT;
            return new Step(new AlarmLifecycle(source, kind, episodeId, firstOut, firstSeq, Math.max(seq, lastActiveSeq),
                    Math.max(time, lastActiveTime), 0, returns + came, worst, distinctInputs, netOut, verdict),
                    Change.NONE);
        }
        int healthy = healthyRun + 1;
        boolean offDelayOver = healthy >= settings.clearAfter();
        boolean heldLongEnough = !intermittent || time - lastActiveTime >= settings.hold().toMillis();
        AlarmLifecycle next = new AlarmLifecycle(source, kind, episodeId, firstOut, firstSeq, lastActiveSeq,
                lastActiveTime, healthy, returns, severity, distinctInputs, netOut, verdict);
        return new Step(next, offDelayOver && heldLongEnough ? Change.CLEARED : Change.NONE);
    }
}

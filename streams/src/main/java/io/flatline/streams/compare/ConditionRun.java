package io.flatline.streams.compare;

/**
 * A condition that must hold for {@code raiseAfter} observations in a row to open and fail for {@code clearAfter}
 * in a row to close: the comparison detectors' on-delay and their own hysteresis, before the alarm lifecycle's.
 *
 * @param holding  observations in a row for which the condition held
 * @param failing  observations in a row for which it did not
 * @param worst    the largest magnitude seen while holding (e.g. the LSB difference)
 * @param length   observations since the condition first held, failing ones included: the episode's length
 */
public record ConditionRun(int holding, int failing, boolean open, long firstSeq, long lastSeq, int worst,
                           int length) {

    public static ConditionRun idle() {
        return new ConditionRun(0, 0, false, -1, -1, 0, 0);
    }

    public ConditionRun observe(boolean holds, long seq, int magnitude, int raiseAfter, int clearAfter) {
        if (holds) {
            boolean fresh = holding == 0 && !open;
            ConditionRun next = new ConditionRun(holding + 1, 0, open, fresh ? seq : firstSeq, seq,
                    fresh ? magnitude : Math.max(worst, magnitude), fresh ? 1 : length + 1);
            if (!open && next.holding >= raiseAfter) {
                return next.opened();
            }
            return next;
        }
        if (!open) {
            return idle();
        }
        ConditionRun next = new ConditionRun(0, failing + 1, true, firstSeq, lastSeq, worst, length + 1);
        if (next.failing >= clearAfter) {
            return new ConditionRun(0, 0, false, firstSeq, lastSeq, worst, next.length);
        }
        return next;
    }

    private ConditionRun opened() {
        return new ConditionRun(holding, failing, true, firstSeq, lastSeq, worst, length);
    }
}

package io.flatline.streams.compare;

/**
 * A condition that must hold for {@code raiseAfter} observations in a row to open an episode and fail for
 * {@code clearAfter} in a row to close it, so a flapping condition cannot make a storm of alerts.
 *
 * @param holding  observations in a row for which the condition held
 * @param failing  observations in a row for which it did not
 * @param worst    the largest magnitude seen while holding (e.g. the LSB difference)
 * @param length   observations since the condition first held, failing ones included: the episode's length
 */
public record ConditionRun(int holding, int failing, boolean open, long firstSeq, long lastSeq, int worst,
                           int length) {

    public enum Edge { NONE, RAISED, CLEARED }

    public record Step(ConditionRun run, Edge edge) {
    }

    public static ConditionRun idle() {
        return new ConditionRun(0, 0, false, -1, -1, 0, 0);
    }

    public Step observe(boolean holds, long seq, int magnitude, int raiseAfter, int clearAfter) {
        if (holds) {
            boolean fresh = holding == 0 && !open;
            ConditionRun next = new ConditionRun(holding + 1, 0, open, fresh ? seq : firstSeq, seq,
                    fresh ? magnitude : Math.max(worst, magnitude), fresh ? 1 : length + 1);
            if (!open && next.holding >= raiseAfter) {
                return new Step(next.opened(), Edge.RAISED);
            }
            return new Step(next, Edge.NONE);
        }
        if (!open) {
            return new Step(idle(), Edge.NONE);
        }
        ConditionRun next = new ConditionRun(0, failing + 1, true, firstSeq, lastSeq, worst, length + 1);
        if (next.failing >= clearAfter) {
            return new Step(new ConditionRun(0, 0, false, firstSeq, lastSeq, worst, next.length), Edge.CLEARED);
        }
        return new Step(next, Edge.NONE);
    }

    private ConditionRun opened() {
        return new ConditionRun(holding, failing, true, firstSeq, lastSeq, worst, length);
    }
}

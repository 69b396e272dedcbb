package io.flatline.ingest.poll;

/**
 * Wall-clock time that only moves forward: read once from the system clock, then advanced by
 * {@link System#nanoTime()}, so a clock step (NTP, an operator) neither stalls the schedule nor bunches polls.
 */
public final class MonotonicClock {
    private final long epochNanosAtStart = System.currentTimeMillis() * 1_000_000L;
    private final long nanoTimeAtStart = System.nanoTime();

    public long epochNanos() {
        return epochNanosAtStart + (System.nanoTime() - nanoTimeAtStart);
    }
}

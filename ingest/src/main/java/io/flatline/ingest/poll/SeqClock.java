package io.flatline.ingest.poll;

import java.time.Duration;

/**
 * Numbers a device's polls by the slot of its schedule they belong to: slot {@code n} starts at
 * {@code origin + phase + (n - base) * interval}. The numbering is a function of the clock, not a counter, so it
 * carries on across restarts with nothing to store, and every poll that was not made (the service was down,
 * the device was backing off, a poll overran its slot) is a gap downstream.
 *
 * <p>The phase spreads devices with the same interval across it, so a fleet is not polled in one burst.
 */
public record SeqClock(long intervalNanos, long phaseNanos, long originEpochNanos, long base) {
    public SeqClock {
        if (intervalNanos <= 0 || phaseNanos < 0 || phaseNanos >= intervalNanos) {
            throw new IllegalArgumentException("interval " + intervalNanos + "ns, phase " + phaseNanos + "ns");
        }
    }

    /** Slots counted from the Unix epoch, phased by the device id. */
    public static SeqClock forDevice(String deviceId, Duration interval) {
        long nanos = interval.toNanos();
        long phase = Math.floorMod(deviceId.hashCode() * 0x9E37_79B9_7F4A_7C15L, nanos);
        return new SeqClock(nanos, phase, 0, 0);
    }

    /** The slot that contains {@code epochNanos}. */
    public long seqAt(long epochNanos) {
        return base + Math.floorDiv(epochNanos - originEpochNanos - phaseNanos, intervalNanos);
    }

    public long slotStart(long seq) {
        return originEpochNanos + phaseNanos + (seq - base) * intervalNanos;
    }

    /** The first slot starting at or after {@code epochNanos}. */
    public long firstSlotFrom(long epochNanos) {
        long seq = seqAt(epochNanos);
        return slotStart(seq) == epochNanos ? seq : seq + 1;
    }
}

package io.flatline.streams.window;

import java.time.Duration;

/**
 * How a device's count window is formed.
 *
 * @param size       readings per window (the model's time steps)
 * @param stride     readings between two predictions once the window is full
 * @param onGap      what a gap in {@code seq} (lost polls) does to the window
 * @param onBadQuality what a reading whose quality is not GOOD does
 * @param idleEviction how long, in record time, a device may go without a record before what the processors hold
 *                     of it in memory is let go (its state stays in the stores and is read back on its next record)
 */
public record WindowPolicy(int size, int stride, GapPolicy onGap, BadQualityPolicy onBadQuality,
                           Duration idleEviction) {

    /** A device silent for an hour of record time has stopped, or was retired without a tombstone. */
    public static final Duration DEFAULT_IDLE_EVICTION = Duration.ofHours(1);

    public WindowPolicy {
        if (size < 1 || stride < 1) {
            throw new IllegalArgumentException("window size and stride must be positive");
        }
        if (idleEviction.isNegative() || idleEviction.isZero()) {
            throw new IllegalArgumentException("idleEviction must be longer than 0, got " + idleEviction);
        }
    }

    public WindowPolicy(int size, int stride, GapPolicy onGap, BadQualityPolicy onBadQuality) {
        this(size, stride, onGap, onBadQuality, DEFAULT_IDLE_EVICTION);
    }

    public enum GapPolicy {
        /** Start the window again: a window with a hole is not what the board saw. */
        RESET,
        /** Keep going as if the lost readings never existed. */
        IGNORE
    }

    public enum BadQualityPolicy {
        /** Leave the reading out and keep the window. */
        SKIP,
        /** Start the window again. */
        RESET,
        /** Use the values anyway, when there are values (a READ_ERROR reading has none and is skipped). */
        USE
    }
}

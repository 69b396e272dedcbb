package io.flatline.streams.window;

/**
 * How a device's count window is formed.
 *
 * @param size       readings per window (the model's time steps)
 * @param stride     readings between two predictions once the window is full
 * @param onGap      what a gap in {@code seq} (lost polls) does to the window
 * @param onBadQuality what a reading whose quality is not GOOD does
 */
public record WindowPolicy(int size, int stride, GapPolicy onGap, BadQualityPolicy onBadQuality) {

    public WindowPolicy {
        if (size < 1 || stride < 1) {
            throw new IllegalArgumentException("window size and stride must be positive");
        }
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

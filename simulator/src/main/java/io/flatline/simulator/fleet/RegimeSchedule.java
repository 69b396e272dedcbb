package io.flatline.simulator.fleet;

import java.util.SplittableRandom;

/**
 * Which regime a simulated machine is in at each step: it stays in a regime for a seeded dwell time (by default
 * 200 to 600 steps, 20 to 60 s at 10 Hz), then moves to another regime. Deterministic for a seed; one
 * {@link #next()} per {@link SignalGenerator#next(Regime)}.
 */
public final class RegimeSchedule {

    public static final int DEFAULT_MIN_DWELL = 200;
    public static final int DEFAULT_MAX_DWELL = 600;

    private final SplittableRandom random;
    private final int minDwell;
    private final int maxDwell;
    private Regime current;
    private int remaining;
    private long step;

    public RegimeSchedule(long seed) {
        this(seed, DEFAULT_MIN_DWELL, DEFAULT_MAX_DWELL);
    }

    /** A schedule starting in a seeded regime, each dwell between {@code minDwell} and {@code maxDwell} steps. */
    public RegimeSchedule(long seed, int minDwell, int maxDwell) {
        this(seed, minDwell, maxDwell, null);
    }

    /** As above, starting in {@code first} (or a seeded regime when null). */
    public RegimeSchedule(long seed, int minDwell, int maxDwell, Regime first) {
        if (minDwell < 1 || maxDwell < minDwell) {
            throw new IllegalArgumentException("Dwell times must satisfy 1 <= min <= max, got " + minDwell + ".." + maxDwell);
        }
        this.random = new SplittableRandom(seed ^ 0x5EED5C4EDL);
        this.minDwell = minDwell;
        this.maxDwell = maxDwell;
        Regime[] regimes = Regime.values();
        this.current = first != null ? first : regimes[random.nextInt(regimes.length)];
        this.remaining = dwell();
    }

    /** The regime of the next step. */
    public Regime next() {
        if (remaining == 0) {
            Regime[] regimes = Regime.values();
            int pick = random.nextInt(regimes.length - 1);
            current = regimes[pick >= current.ordinal() ? pick + 1 : pick];
            remaining = dwell();
        }
        remaining--;
        step++;
        return current;
    }

    /** The regime of the last step returned by {@link #next()} (the first regime before any). */
    public Regime current() {
        return current;
    }

    /** How many steps {@link #next()} has returned. */
    public long steps() {
        return step;
    }

    private int dwell() {
        return minDwell + random.nextInt(maxDwell - minDwell + 1);
    }
}

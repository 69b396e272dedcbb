package io.flatline.ingest.modbus;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter between reconnect attempts. The jitter keeps a fleet that lost its network
 * together from reconnecting in lockstep when the network returns.
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {
    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || multiplier < 1
                || jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("backoff " + initial + ".." + max + " x" + multiplier + " jitter " + jitter);
        }
    }

    /** Initial delay of one poll interval (at least 100 ms), doubling to at most 30 s, up to half of it random. */
    public static Backoff forInterval(Duration interval) {
        Duration initial = interval.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : interval;
        Duration max = initial.compareTo(Duration.ofSeconds(30)) > 0 ? initial : Duration.ofSeconds(30);
        return new Backoff(initial, max, 2.0, 0.5);
    }

    /** The wait after {@code failures} consecutive failures (1 or more); {@code random} yields values in [0, 1). */
    public Duration delay(int failures, DoubleSupplier random) {
        double base = initial.toNanos() * Math.pow(multiplier, Math.max(0, failures - 1));
        double capped = Math.min(base, max.toNanos());
        double jittered = capped * (1 - jitter * random.getAsDouble());
        return Duration.ofNanos((long) jittered);
    }
}

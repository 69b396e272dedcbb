package io.flatline.streams.alarm;

import java.time.Duration;

/**
 * How an alarm ends, in the manner of ISA-18.2's off-delay and Prometheus Alertmanager's {@code keep_firing_for}.
 *
 * @param clearAfter windows in a row without the condition before its alarm clears; a condition that comes back
 *                   sooner continues the same episode
 * @param hold       once an episode has come back at least once (an intermittent fault), how long, in record time,
 *                   the condition must stay away before it clears, so that an intermittent fault is one open alarm
 */
public record AlarmSettings(int clearAfter, Duration hold) {

    public static final AlarmSettings DEFAULT = new AlarmSettings(300, Duration.ofMinutes(10));

    public AlarmSettings {
        if (clearAfter < 1 || hold.isNegative()) {
            throw new IllegalArgumentException("clearAfter must be at least 1 and hold not negative");
        }
    }
}

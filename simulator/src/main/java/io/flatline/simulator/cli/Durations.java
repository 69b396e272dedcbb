package io.flatline.simulator.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Durations as people write them on a command line: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, or ISO-8601. */
public final class Durations {

    private Durations() {
    }

    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            switch (t.charAt(t.length() - 1)) {
                case 's': return Duration.ofSeconds(n);
                case 'm': return Duration.ofMinutes(n);
                case 'h': return Duration.ofHours(n);
                default: break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            // Reported below with the accepted forms.
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 500ms, 10s, 5m, 1h or PT1M");
    }
}

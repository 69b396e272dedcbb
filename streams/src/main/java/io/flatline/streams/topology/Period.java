package io.flatline.streams.topology;

import java.time.Instant;
import java.util.Optional;

/**
 * The stretch of history a topology writes results for, as a replay asks: input records timestamped after
 * {@code until} are left out, and results timestamped before {@code from} are computed (they build the windows,
 * detectors and alarms that later results depend on) but not written. The live application writes everything.
 */
public record Period(Optional<Instant> from, Optional<Instant> until) {

    public static final Period ALL = new Period(Optional.empty(), Optional.empty());

    public Period {
        if (from.isPresent() && until.isPresent() && !until.get().isAfter(from.get())) {
            throw new IllegalArgumentException("a period must end (" + until.get() + ") after it starts ("
                    + from.get() + ")");
        }
    }
}

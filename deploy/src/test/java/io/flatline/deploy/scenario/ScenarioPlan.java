package io.flatline.deploy.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.flatline.deploy.scenario.ScenarioBoard.Span;

/** The boards of a run, each polled {@code windows} times (one window per poll, 100 ms apart). */
record ScenarioPlan(List<ScenarioBoard> boards, long windows) {

    /**
     * Faults that come and go repeat once per period: each starts 300 to 900 windows into it and lasts 1000 to
     * 1500 windows (a reboot 500), which leaves the grace and the recovery inside the period.
     */
    static final long PERIOD = 3000;
    /** An intermittent fault keeps this many healthy windows at each end of the run. */
    static final long INTERMITTENT_MARGIN = 600;

    ScenarioPlan {
        boards = List.copyOf(boards);
        if (windows < PERIOD) {
            throw new IllegalArgumentException("A run needs at least " + PERIOD + " windows, got " + windows);
        }
    }

    /**
     * {@code fleets} times one board per {@link ScenarioFault}, each run for {@code windows}; boards, onsets and
     * durations drawn from {@code seed}.
     */
    static ScenarioPlan standard(int fleets, long windows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ScenarioBoard> boards = new ArrayList<>();
        for (int fleet = 1; fleet <= fleets; fleet++) {
            for (ScenarioFault fault : ScenarioFault.values()) {
                boards.add(new ScenarioBoard(fault.label() + "-" + fleet, random.nextLong(),
                        timeline(fault, windows, random)));
            }
        }
        return new ScenarioPlan(boards, windows);
    }

    private static List<Span> timeline(ScenarioFault fault, long windows, SplittableRandom random) {
        long end = windows + 1;
        List<Span> spans = new ArrayList<>();
        switch (fault) {
            case HEALTHY, SATURATED_MODEL, EARLY_REPORTS, LATE_REPORTS, SWAPPED_REPORTS, MISSING_REPORTS ->
                    spans.add(new Span(1, end, fault));
            case INTERMITTENT -> {
                spans.add(new Span(1, INTERMITTENT_MARGIN, ScenarioFault.HEALTHY));
                spans.add(new Span(INTERMITTENT_MARGIN, end - INTERMITTENT_MARGIN, fault));
                spans.add(new Span(end - INTERMITTENT_MARGIN, end, ScenarioFault.HEALTHY));
            }
            default -> {
                long healthyFrom = 1;
                for (long period = 0; (period + 1) * PERIOD <= windows; period++) {
                    long onset = period * PERIOD + 300 + random.nextInt(601);
                    long length = fault == ScenarioFault.REBOOT ? 500 : 1000 + random.nextInt(501);
                    spans.add(new Span(healthyFrom, onset, ScenarioFault.HEALTHY));
                    spans.add(new Span(onset, onset + length, fault));
                    healthyFrom = onset + length;
                }
                spans.add(new Span(healthyFrom, end, ScenarioFault.HEALTHY));
            }
        }
        return spans;
    }
}

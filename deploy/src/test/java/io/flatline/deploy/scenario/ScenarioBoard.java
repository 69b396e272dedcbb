package io.flatline.deploy.scenario;

import java.util.List;

import io.flatline.simulator.fleet.FaultTimeline;

/**
 * One board of a scenario: its id, its signals' seed and its labelled timeline, spans that follow one another
 * from window 1 to the end of the run. A saturated model is the board's for its whole life, so a
 * {@link ScenarioFault#SATURATED_MODEL} span is the board's only one.
 */
record ScenarioBoard(String id, long seed, List<Span> timeline) {

    /** Windows {@code from} (inclusive) to {@code to} (exclusive) labelled {@code fault}. */
    record Span(long from, long to, ScenarioFault fault) {
        Span {
            if (from < 1 || to <= from) {
                throw new IllegalArgumentException("A span needs 1 <= from < to, got " + from + ".." + to);
            }
        }

        boolean contains(long window) {
            return from <= window && window < to;
        }

        long length() {
            return to - from;
        }
    }

    ScenarioBoard {
        timeline = List.copyOf(timeline);
        if (timeline.isEmpty() || timeline.get(0).from() != 1) {
            throw new IllegalArgumentException(id + ": the timeline must start at window 1");
        }
        for (int i = 1; i < timeline.size(); i++) {
            if (timeline.get(i).from() != timeline.get(i - 1).to()) {
                throw new IllegalArgumentException(id + ": spans must follow one another, got " + timeline.get(i - 1)
                        + " then " + timeline.get(i));
            }
        }
        if (timeline.size() > 1 && timeline.stream().anyMatch(s -> s.fault() == ScenarioFault.SATURATED_MODEL)) {
            throw new IllegalArgumentException(id + ": a saturated model is the board's only span");
        }
    }

    boolean saturated() {
        return timeline.get(0).fault() == ScenarioFault.SATURATED_MODEL;
    }

    /** The span window {@code window} is in. */
    Span at(long window) {
        for (Span span : timeline) {
            if (span.contains(window)) {
                return span;
            }
        }
        throw new IllegalArgumentException(id + " has no window " + window);
    }

    /** What the board's firmware does: each span's malfunctions, an intermittent's runs seeded by board and span. */
    FaultTimeline firmware() {
        return FaultTimeline.of(timeline.stream()
                .flatMap(s -> s.fault().malfunctions(s.from(), s.to(), seed * 31 + s.from()).stream()).toList());
    }
}

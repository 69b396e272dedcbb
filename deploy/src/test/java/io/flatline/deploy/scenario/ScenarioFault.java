package io.flatline.deploy.scenario;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.flatline.simulator.fleet.FaultTimeline;
import io.flatline.simulator.fleet.FaultTimeline.Segment;
import io.flatline.simulator.fleet.Malfunction;

/**
 * The labels of a scenario's timeline: what a board suffers during a span, what Flatline should find, and how
 * soon. The first ones must raise nothing: a healthy board, one that restarts, and a healthy board whose reports
 * reach the topology early, late, swapped or not at all.
 */
enum ScenarioFault {
    HEALTHY(Optional.empty(), 0),
    /** The board restarts at the span's first window, and is healthy. */
    REBOOT(Optional.empty(), 0),
    /** Each report is piped before the reading that completes its window. */
    EARLY_REPORTS(Optional.empty(), 0),
    /** Each report is piped {@link Courier#LATE_BY} readings after the reading that completes its window. */
    LATE_REPORTS(Optional.empty(), 0),
    /** Reports are piped in pairs, the second first. */
    SWAPPED_REPORTS(Optional.empty(), 0),
    /** A share {@link Courier#MISSING_SHARE} of the reports never arrives. */
    MISSING_REPORTS(Optional.empty(), 0),
    SENSOR_STALE(Optional.of(Finding.SENSOR_STALE), Targets.STRICT),
    NPU_STUCK(Optional.of(Finding.BOARD_RUNTIME), Targets.STRICT),
    /** Stuck and healthy in turn, each for a seeded random number of windows ({@link #STUCK}, {@link #RECOVERED}). */
    INTERMITTENT(Optional.of(Finding.BOARD_RUNTIME), Targets.STRICT),
    NEAR_STUCK_DITHER(Optional.of(Finding.BOARD_RUNTIME), Targets.NEAR_STUCK),
    NEAR_STUCK_BLIPS(Optional.of(Finding.BOARD_RUNTIME), Targets.NEAR_STUCK),
    PREPROCESSING_MISMATCH(Optional.of(Finding.PREPROCESSING_MISMATCH), Targets.INPUT_MISMATCH),
    /** The board and its reference run {@code BoardModel.saturatedSeed}: for the board's whole life. */
    SATURATED_MODEL(Optional.of(Finding.MODEL_SATURATION), Targets.STRICT);

    static final FaultTimeline.Run STUCK = new FaultTimeline.Run(40, 120);
    static final FaultTimeline.Run RECOVERED = new FaultTimeline.Run(50, 250);

    /** The p50 detection delays asked for, in windows: the detector's run plus 10 windows of slack. */
    static final class Targets {
        static final int STRICT = 30 + 10;
        static final int NEAR_STUCK = 40 + 10;
        static final int INPUT_MISMATCH = 5 + 10;

        private Targets() {
        }
    }

    private final Optional<Finding> expected;
    private final int delayTarget;

    ScenarioFault(Optional<Finding> expected, int delayTarget) {
        this.expected = expected;
        this.delayTarget = delayTarget;
    }

    /** What Flatline should conclude; empty for the labels that must raise nothing. */
    Optional<Finding> expected() {
        return expected;
    }

    boolean faulty() {
        return expected.isPresent();
    }

    /** The p50 detection delay asked for, in windows. */
    int delayTarget() {
        return delayTarget;
    }

    /** An intermittent fault may raise again after it recovered; a persistent one must not. */
    boolean intermittent() {
        return this == INTERMITTENT;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** What the board's firmware does over windows {@code from..to}; {@code seed} draws an intermittent's runs. */
    List<Segment> malfunctions(long from, long to, long seed) {
        return switch (this) {
            case HEALTHY, SATURATED_MODEL, EARLY_REPORTS, LATE_REPORTS, SWAPPED_REPORTS, MISSING_REPORTS -> List.of();
            case REBOOT -> List.of(new Segment(from, to, Malfunction.REBOOTED));
            case SENSOR_STALE -> List.of(new Segment(from, to, Malfunction.SENSORS_FROZEN));
            case NPU_STUCK -> List.of(new Segment(from, to, Malfunction.OUTPUT_FROZEN));
            case INTERMITTENT -> FaultTimeline.alternating(from, to, Malfunction.OUTPUT_FROZEN, STUCK, RECOVERED, seed)
                    .segments().toList();
            case NEAR_STUCK_DITHER -> List.of(new Segment(from, to, Malfunction.OUTPUT_DITHERS));
            case NEAR_STUCK_BLIPS -> List.of(new Segment(from, to, Malfunction.OUTPUT_BLIPS));
            case PREPROCESSING_MISMATCH -> List.of(new Segment(from, to, Malfunction.WRONG_ZERO_POINT));
        };
    }
}

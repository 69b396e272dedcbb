package io.flatline.simulator.fleet;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a simulated board misbehaves; {@link #label()} is the name on the command line. */
public enum Fault {
    /** Samples, preprocesses and infers as the reference does. */
    HEALTHY,
    /** After a warm-up the NPU's output freezes at its last value while the counter and the inputs move on. */
    NPU_STUCK,
    /** The board quantizes with a wrong zero point (the model's + 20), so its input CRC never matches. */
    PREPROCESSING_MISMATCH,
    /**
     * The board runs a model whose quantization collapses its inputs; the reference runs the same model, so both
     * are stuck. The fault is in the model the board is given ({@link BoardModel}); the board itself is healthy.
     */
    SATURATED_MODEL,
    /** After a warm-up every sensor value freezes: identical windows, identical outputs. */
    SENSOR_STALE,
    /** The NPU output sticks for a while, then recovers, again and again. */
    INTERMITTENT;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * When a board with this fault malfunctions, and how, at {@code timing}, for a model whose windows are
     * {@code steps} samples long: inference {@code k} is the window that ends at sample {@code k + steps - 1}.
     */
    public FaultTimeline timeline(Timing timing, int steps) {
        long afterWarmUp = timing.warmUp() + steps;
        return switch (this) {
            case HEALTHY, SATURATED_MODEL -> FaultTimeline.HEALTHY;
            case NPU_STUCK -> FaultTimeline.from(afterWarmUp, Malfunction.OUTPUT_FROZEN);
            case PREPROCESSING_MISMATCH -> FaultTimeline.from(1, Malfunction.WRONG_ZERO_POINT);
            case SENSOR_STALE -> FaultTimeline.from(afterWarmUp, Malfunction.SENSORS_FROZEN);
            case INTERMITTENT -> FaultTimeline.alternating(steps + timing.healthyRun(), Long.MAX_VALUE,
                    Malfunction.OUTPUT_FROZEN, FaultTimeline.Run.of(timing.stuckRun()),
                    FaultTimeline.Run.of(timing.healthyRun()), 0);
        };
    }

    public static Fault ofLabel(String label) {
        String wanted = label.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Fault fault : values()) {
            if (fault.name().equals(wanted)) {
                return fault;
            }
        }
        throw new IllegalArgumentException("'" + label + "' is no fault; the faults are "
                + Arrays.stream(values()).map(Fault::label).collect(Collectors.joining(", ")));
    }

    /**
     * When faults strike, counted in inferences.
     *
     * @param warmUp      healthy inferences before npu-stuck freezes its output and sensor-stale its sensors
     * @param healthyRun  intermittent: healthy inferences in each cycle (the cycle starts healthy)
     * @param stuckRun    intermittent: stuck inferences in each cycle
     * @param zeroPointShift preprocessing-mismatch: what the board adds to the model input's zero point
     */
    public record Timing(int warmUp, int healthyRun, int stuckRun, int zeroPointShift) {
        public static final Timing DEFAULT = new Timing(20, 100, 60, 20);

        public Timing {
            if (warmUp < 0 || healthyRun < 1 || stuckRun < 1 || zeroPointShift == 0) {
                throw new IllegalArgumentException("warmUp >= 0, healthyRun >= 1, stuckRun >= 1, zeroPointShift != 0");
            }
        }
    }
}

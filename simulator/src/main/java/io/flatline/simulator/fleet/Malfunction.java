package io.flatline.simulator.fleet;

/**
 * What a board's firmware does wrong during a stretch of its windows ({@link FaultTimeline}): the mechanisms
 * behind the faults a fleet is given. A saturated model is none of these: the board runs a bad model correctly
 * ({@link BoardModel#saturatedSeed}).
 */
public enum Malfunction {
    /** Samples, preprocesses and infers as the reference does. */
    NONE,
    /** Every sensor repeats the last sample taken before the stretch: identical windows, identical outputs. */
    SENSORS_FROZEN,
    /** The NPU's output stays at the last one it computed while the counter and the inputs move on. */
    OUTPUT_FROZEN,
    /** Rows are quantized with a wrong zero point, so no window's CRC matches the reference's. */
    WRONG_ZERO_POINT,
    /** The output is frozen, but one class at random moves one LSB up or down on every inference. */
    OUTPUT_DITHERS,
    /** The output is frozen on most inferences, the one the NPU computes on the others. */
    OUTPUT_BLIPS,
    /**
     * The board restarts at the stretch's first window: its window and its counter start again from empty, so it
     * reports nothing until its window is full again; its sensors go on being read.
     */
    REBOOTED
}

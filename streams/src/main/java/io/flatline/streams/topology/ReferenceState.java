package io.flatline.streams.topology;

import java.util.Arrays;
import java.util.List;

import io.flatline.streams.detect.RunDetector.RunState;
import io.flatline.streams.window.WindowState;

/**
 * What the reference keeps per device, written once per reading as one store value: the window and the
 * detector's memory change together, and one changelog record instead of two is a measurable share of the
 * stream thread's time (docs/benchmarks.md).
 *
 * @param window         the device's count window
 * @param run            the reference detector's run, null before the first prediction
 * @param lastValues     the raw values of the latest reading taken into the window, empty before the first
 * @param steadyReadings how many readings in a row, the latest included, carried exactly those values: the sensors
 *                       are judged stale on raw values, since a model whose quantization collapses its inputs
 *                       repeats quantized rows while the sensors move
 */
public record ReferenceState(WindowState window, RunState run, float[] lastValues, int steadyReadings) {

    static ReferenceState empty(int size, int channels) {
        return new ReferenceState(WindowState.empty(size, channels), null, new float[0], 0);
    }

    ReferenceState withWindow(WindowState next) {
        return new ReferenceState(next, run, lastValues, steadyReadings);
    }

    /** The state after a reading with these raw values was taken into {@code next}. */
    ReferenceState withReading(WindowState next, List<Float> values) {
        boolean same = values.size() == lastValues.length;
        for (int i = 0; same && i < lastValues.length; i++) {
            same = Float.floatToIntBits(values.get(i)) == Float.floatToIntBits(lastValues[i]);
        }
        if (same) {
            return new ReferenceState(next, run, lastValues, steadyReadings + 1);
        }
        float[] copy = new float[values.size()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = values.get(i);
        }
        return new ReferenceState(next, run, copy, 1);
    }

    ReferenceState withRun(RunState next) {
        return new ReferenceState(window, next, lastValues, steadyReadings);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReferenceState r && window.equals(r.window) && java.util.Objects.equals(run, r.run)
                && Arrays.equals(lastValues, r.lastValues) && steadyReadings == r.steadyReadings;
    }

    @Override
    public int hashCode() {
        return window.hashCode() * 31 + steadyReadings;
    }
}

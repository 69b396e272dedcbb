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
 * @param model          the id of the model the window is for; null in state written before models had ids here,
 *                       which is then the device's configured model's
 * @param reported       the id of the model the device's board last reported, when the application runs it: it wins
 *                       over the config's assignment; null before such a report
 * @param reportedSince  the window end seq of the report that named {@code reported}: an older report (one of the
 *                       previous model's, late) does not move the device back; -1 before such a report
 */
public record ReferenceState(WindowState window, RunState run, float[] lastValues, int steadyReadings, String model,
                             String reported, long reportedSince) {

    static ReferenceState empty(int size, int channels, String model) {
        return new ReferenceState(WindowState.empty(size, channels), null, new float[0], 0, model, null, -1);
    }

    ReferenceState withWindow(WindowState next) {
        return new ReferenceState(next, run, lastValues, steadyReadings, model, reported, reportedSince);
    }

    /** The state of a device that moves to {@code next}: a new window, no run; what its board reported stays. */
    ReferenceState cutTo(String next, int size, int channels) {
        return new ReferenceState(WindowState.empty(size, channels), null, new float[0], 0, next, reported,
                reportedSince);
    }

    /**
     * The state of a device that moves to {@code next}, a model that takes the same quantized input: the window is
     * the new model's too, and only the run starts afresh.
     */
    ReferenceState carriedTo(String next) {
        return new ReferenceState(window, null, lastValues, steadyReadings, next, reported, reportedSince);
    }

    /** The state once the board has reported that it runs {@code id} from window {@code seq} on. */
    ReferenceState withReported(String id, long seq) {
        return new ReferenceState(window, run, lastValues, steadyReadings, model, id, seq);
    }

    /** The state adopting {@code id} as the model of its window, which it has been all along. */
    ReferenceState withModel(String id) {
        return new ReferenceState(window, run, lastValues, steadyReadings, id, reported, reportedSince);
    }

    /** The state after a reading with these raw values was taken into {@code next}. */
    ReferenceState withReading(WindowState next, List<Float> values) {
        boolean same = values.size() == lastValues.length;
        for (int i = 0; same && i < lastValues.length; i++) {
            same = Float.floatToIntBits(values.get(i)) == Float.floatToIntBits(lastValues[i]);
        }
        if (same) {
            return new ReferenceState(next, run, lastValues, steadyReadings + 1, model, reported, reportedSince);
        }
        float[] copy = new float[values.size()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = values.get(i);
        }
        return new ReferenceState(next, run, copy, 1, model, reported, reportedSince);
    }

    ReferenceState withRun(RunState next) {
        return new ReferenceState(window, next, lastValues, steadyReadings, model, reported, reportedSince);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReferenceState r && window.equals(r.window) && java.util.Objects.equals(run, r.run)
                && Arrays.equals(lastValues, r.lastValues) && steadyReadings == r.steadyReadings
                && java.util.Objects.equals(model, r.model) && java.util.Objects.equals(reported, r.reported)
                && reportedSince == r.reportedSince;
    }

    @Override
    public int hashCode() {
        return window.hashCode() * 31 + steadyReadings;
    }
}

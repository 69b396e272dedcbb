package io.flatline.streams.topology;

import io.flatline.streams.detect.RunDetector.RunState;
import io.flatline.streams.window.WindowState;

/**
 * What the reference keeps per device, written once per reading as one store value: the window and the
 * detector's memory change together, and one changelog record instead of two is a measurable share of the
 * stream thread's time (docs/benchmarks.md).
 *
 * @param window the device's count window
 * @param run    the reference detector's run, null before the first prediction
 */
public record ReferenceState(WindowState window, RunState run) {

    static ReferenceState empty(int size, int channels) {
        return new ReferenceState(WindowState.empty(size, channels), null);
    }

    ReferenceState withWindow(WindowState next) {
        return new ReferenceState(next, run);
    }
}

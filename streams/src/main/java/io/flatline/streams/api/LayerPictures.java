package io.flatline.streams.api;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.flatline.streams.infer.LayerUse;
import io.flatline.streams.infer.FleetModels;
import io.flatline.streams.infer.ReferenceModel;
import io.flatline.streams.window.WindowState;

/**
 * The per-layer picture of a device's latest windows, for the fleet page: the reference model traced layer by layer
 * on the device's current window when asked, beside the windows traced on the earlier asks. The stores keep a
 * device's current window only, so "the last windows" are those the page saw, and the layer where the variation
 * dies is found between the last two of them: for a saturated model, the layer past which different inputs give the
 * same output.
 */
public final class LayerPictures {

    /** Windows kept per device. */
    static final int WINDOWS = 4;
    /** Devices kept: the ones whose pages are open. */
    private static final int DEVICES = 256;

    /** One traced window. */
    public record Traced(long endSeq, long timestamp, List<LayerUse> layers) {
    }

    /**
     * @param windows the traced windows, oldest first
     * @param diesAt  the index of the layer where the difference between the last two windows dies, -1 if it does
     *                not (or fewer than two windows have been traced)
     */
    public record Picture(List<Traced> windows, int diesAt) {
    }

    private final FleetModels models;
    private final Map<String, Deque<Traced>> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Traced>> eldest) {
            return size() > DEVICES;
        }
    };

    public LayerPictures(FleetModels models) {
        this.models = models;
    }

    /**
     * The picture with the device's current window in it, traced with the window's model if it is new; empty before
     * its first full window. Windows of another model than the current one's are not in it.
     */
    public synchronized Picture of(String device, String modelId, WindowState window) {
        ReferenceModel model = models.modelOf(device, modelId).engine();
        Deque<Traced> windows = recent.computeIfAbsent(device + "@" + model.modelId(), d -> new ArrayDeque<>());
        if (window.full() && (windows.isEmpty() || windows.peekLast().endSeq() != window.lastSeq())) {
            windows.addLast(new Traced(window.lastSeq(), window.lastTimestamp(), model.layers(window.window())));
            while (windows.size() > WINDOWS) {
                windows.removeFirst();
            }
        }
        List<Traced> list = new ArrayList<>(windows);
        int dies = list.size() < 2 ? -1
                : LayerUse.variationDiesAt(list.get(list.size() - 2).layers(), list.get(list.size() - 1).layers());
        return new Picture(list, dies);
    }
}

package io.flatline.streams.topology;

import java.util.function.Function;

import io.flatline.schemas.SensorReading;
import io.flatline.streams.window.WindowPolicy;
import io.flatline.streams.window.WindowState;

/**
 * A device's latest readings taken into its window, raw, in memory only: what a device that moves to a model with
 * another input quantization needs to fill that model's window at once instead of over a window's worth of new
 * readings. After a restart or an eviction it starts empty, and the new model's window fills from new readings.
 */
final class RecentReadings {

    private final SensorReading[] ring;
    private int next;
    private int count;

    /** @param capacity the most readings any of the fleet's models takes in a window */
    RecentReadings(int capacity) {
        this.ring = new SensorReading[capacity];
    }

    void add(SensorReading reading) {
        ring[next] = reading;
        next = (next + 1) % ring.length;
        count = Math.min(count + 1, ring.length);
    }

    /** Forgets every reading: the window started again. */
    void clear() {
        count = 0;
    }

    /**
     * The window {@code into} (empty, of the new model) becomes once the held readings are taken into it, oldest
     * first, as the new model quantizes them and by its window policy.
     */
    WindowState replay(WindowState into, Function<SensorReading, byte[]> quantizer, WindowPolicy policy) {
        WindowState window = into;
        for (int i = 0; i < count; i++) {
            SensorReading r = ring[Math.floorMod(next - count + i, ring.length)];
            window = window.accept(r.getSeq(), r.getTimestamp().toEpochMilli(), quantizer.apply(r), policy).state();
        }
        return window;
    }
}

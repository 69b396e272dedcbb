package io.flatline.streams.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * When each of a processor's devices last had a record, in record time, so that what the processor holds of a
 * device in memory can be let go once it has been silent for {@code idleAfter}; the stores keep its state, read
 * back on its next record.
 *
 * <p>Idleness is measured in stream time (the task's newest record time), not wall-clock time: a device is idle
 * when its records stopped while the others' went on. So eviction depends only on the records, and is the same
 * live, in a replay of a past week processed in minutes, and while a backlog is caught up after an outage (where
 * wall-clock time would count every device idle, or none). A task that receives nothing does not evict, but
 * holds no more than it did either.
 */
final class IdleDevices {

    private final Duration idleAfter;
    private final Map<String, long[]> lastSeen = new HashMap<>();

    IdleDevices(Duration idleAfter) {
        this.idleAfter = idleAfter;
    }

    /**
     * Sweeps the devices four times per {@code idleAfter} of stream time, so that a device leaves within 1.25 times
     * that; {@code evict} is given each device silent for longer, which is no longer tracked.
     */
    void schedule(ProcessorContext<?, ?> context, Consumer<String> evict) {
        Duration every = idleAfter.dividedBy(4);
        context.schedule(every.isZero() ? Duration.ofMillis(1) : every, PunctuationType.STREAM_TIME,
                now -> sweep(now, evict));
    }

    void seen(String device, long time) {
        long[] last = lastSeen.get(device);
        if (last == null) {
            lastSeen.put(device, new long[] {time});
        } else if (time > last[0]) {
            last[0] = time;
        }
    }

    void forget(String device) {
        lastSeen.remove(device);
    }

    private void sweep(long now, Consumer<String> evict) {
        long silentSince = now - idleAfter.toMillis();
        List<String> silent = new ArrayList<>();
        lastSeen.forEach((device, last) -> {
            if (last[0] < silentSince) {
                silent.add(device);
            }
        });
        for (String device : silent) {
            lastSeen.remove(device);
            evict.accept(device);
        }
    }
}

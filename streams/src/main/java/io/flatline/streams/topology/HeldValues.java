package io.flatline.streams.topology;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A key-value store read through the objects it holds: the first read of a key goes to the store, later reads
 * come from memory, and every write goes to both. The store (with its changelog) stays the truth and the map
 * only ever a copy of it, so exactly-once is untouched; what is saved is a store read and a deserialization
 * per record, the largest share of the stream thread's time before (docs/benchmarks.md).
 *
 * <p>A processor makes a new one in every {@code init}: Kafka Streams calls it again when a task is revived
 * after an aborted transaction, whose store is then restored from the changelog, so nothing read before that
 * survives. Holds one entry per key the task has seen (for the per-device stores, its devices), absent keys
 * included.
 */
final class HeldValues<V> {

    private static final Object UNREAD = new Object();

    private final KeyValueStore<String, V> store;
    private final Map<String, Object> held = new HashMap<>();

    HeldValues(KeyValueStore<String, V> store) {
        this.store = store;
    }

    @SuppressWarnings("unchecked")
    V get(String key) {
        Object value = held.getOrDefault(key, UNREAD);
        if (value == UNREAD) {
            value = store.get(key);
            held.put(key, value);
        }
        return (V) value;
    }

    void put(String key, V value) {
        store.put(key, value);
        held.put(key, value);
    }
}

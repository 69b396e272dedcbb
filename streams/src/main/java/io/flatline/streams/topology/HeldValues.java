package io.flatline.streams.topology;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A key-value store read through the objects it holds: the first read of a key goes to the store, later reads
 * come from memory. The store (with its changelog) stays the truth and the map only ever a copy of it, so
 * exactly-once is untouched; what is saved is a store read and a deserialization per record, the largest share
 * of the stream thread's time before (docs/benchmarks.md).
 *
 * <p>Writes are the current record's until {@link #save()}: reads see them at once, the store only when the
 * record's handling is certain, so that a record that fails half way leaves the store as it was ({@link
 * #discard()}: its keys are read from the store again).
 *
 * <p>A processor makes a new one in every {@code init}: Kafka Streams calls it again when a task is revived
 * after an aborted transaction, whose store is then restored from the changelog, so nothing read before that
 * survives. Holds one entry per key the task has seen (for the per-device stores, its devices), absent keys
 * included, until the key is {@linkplain #forget forgotten}.
 */
final class HeldValues<V> {

    private static final Object UNREAD = new Object();

    private final KeyValueStore<String, V> store;
    private final Map<String, Object> held = new HashMap<>();
    private final Set<String> unsaved = new LinkedHashSet<>();

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

    /** Holds the key's new value (null: none) for the current record; the store has it at {@link #save()}. */
    void put(String key, V value) {
        held.put(key, value);
        unsaved.add(key);
    }

    /** Writes the current record's values to the store. */
    @SuppressWarnings("unchecked")
    void save() {
        for (String key : unsaved) {
            store.put(key, (V) held.get(key));
        }
        unsaved.clear();
    }

    /** Drops the current record's values: their keys are read from the store again. */
    void discard() {
        unsaved.forEach(held::remove);
        unsaved.clear();
    }

    /** Lets go of the key's value, saved already: a later read gets it from the store. */
    void forget(String key) {
        held.remove(key);
    }
}

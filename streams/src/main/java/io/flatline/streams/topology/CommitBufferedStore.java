package io.flatline.streams.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store that holds each key's latest value as an object until the task commits, and only then
 * writes it, serialized once, to the store it wraps (the metered, changelogged RocksDB store). Kafka Streams'
 * record cache does the same per commit, but it serializes the value on every put to hold it as bytes: for the
 * windows store, written on every reading, that put was the largest piece of Flatline's own work on the stream
 * thread (docs/benchmarks.md).
 *
 * <p>Exactly-once holds because the values reach the changelog at the same point in a commit as the record
 * cache's do: Kafka Streams flushes a task's caches ({@link #flushCache()}) before it flushes the task's
 * producer and commits the transaction. This hook is an internal interface of Kafka Streams (the one its own
 * cache implements), so a Kafka Streams upgrade must keep {@code CommitBufferedStoreTest} and the kill/restart
 * end-to-end test passing. A task closed without a commit drops what was not flushed, as its transaction is
 * aborted and its state restored from the changelog.
 *
 * <p>Deletes are held the same way, and the commit writes everything held in one batch ({@code putAll}: one
 * RocksDB write batch). Values must not be changed after they are put: other threads (the HTTP API's
 * interactive queries) read the held objects as they are. Reads of single keys see the latest put or delete
 * from any thread. Iteration on the thread that runs the task first writes what is held (inside the task's
 * transaction, as a commit would) and then reads the inner store; other threads iterate the inner store, as of
 * the last commit.
 */
final class CommitBufferedStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V>
        implements KeyValueStore<K, V> {

    /** Marks a held delete: a {@link ConcurrentHashMap} holds no nulls. */
    private static final Object DELETED = new Object();

    private final Map<K, Object> unflushed = new ConcurrentHashMap<>();
    private volatile Thread owner;

    private CommitBufferedStore(KeyValueStore<K, V> inner) {
        super(inner);
    }

    /** A builder of the store around what {@code inner} builds; the inner store must not have a record cache. */
    static <K, V> StoreBuilder<KeyValueStore<K, V>> around(StoreBuilder<KeyValueStore<K, V>> inner) {
        return new Builder<>(inner);
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        unflushed.clear();
        owner = Thread.currentThread();
        super.init(context, root);
    }

    /** A null value deletes the key, as for any Kafka Streams key-value store; unlike {@link #delete}, unread. */
    @Override
    public void put(K key, V value) {
        unflushed.put(key, value == null ? DELETED : value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        entries.forEach(entry -> put(entry.key, entry.value));
    }

    @Override
    public V delete(K key) {
        V before = get(key);
        put(key, null);
        return before;
    }

    @Override
    public V get(K key) {
        Object held = unflushed.get(key);
        return held == null ? wrapped().get(key) : value(held);
    }

    /** What a held entry stands for: its value, or null for a held delete. */
    @SuppressWarnings("unchecked")
    private V value(Object held) {
        return held == DELETED ? null : (V) held;
    }

    /** Called by Kafka Streams on every commit, before the task's records are flushed and its transaction ends. */
    @Override
    public void flushCache() {
        if (!unflushed.isEmpty()) {
            List<Map.Entry<K, Object>> held = List.copyOf(unflushed.entrySet());
            List<KeyValue<K, V>> batch = new ArrayList<>(held.size());
            for (Map.Entry<K, Object> entry : held) {
                batch.add(KeyValue.pair(entry.getKey(), value(entry.getValue())));
            }
            wrapped().putAll(batch);
            // Only now, so that a concurrent reader finds the value in one place or the other.
            held.forEach(entry -> unflushed.remove(entry.getKey(), entry.getValue()));
        }
        super.flushCache();
    }

    /** Called when a task's state may have been written past this store (a task recycled between kinds). */
    @Override
    public void clearCache() {
        unflushed.clear();
        super.clearCache();
    }

    @Override
    public void close() {
        unflushed.clear();
        super.close();
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        return iterable().range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        return iterable().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return iterable().all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        return iterable().reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        return iterable().prefixScan(prefix, prefixKeySerializer);
    }

    /** The inner store, with what is held written to it first when the task's own thread asks. */
    private KeyValueStore<K, V> iterable() {
        if (Thread.currentThread() == owner) {
            flushCache();
        }
        return wrapped();
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries() + unflushed.size();
    }

    private static final class Builder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
        private final StoreBuilder<KeyValueStore<K, V>> inner;

        Builder(StoreBuilder<KeyValueStore<K, V>> inner) {
            this.inner = inner.withCachingDisabled();
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
            throw new UnsupportedOperationException("store " + name() + " holds its values per commit itself;"
                    + " a record cache under it would only copy them");
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
            inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
            inner.withLoggingDisabled();
            return this;
        }

        @Override
        public KeyValueStore<K, V> build() {
            return new CommitBufferedStore<>(inner.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}

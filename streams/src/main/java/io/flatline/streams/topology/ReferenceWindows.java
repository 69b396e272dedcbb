package io.flatline.streams.topology;

import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

import io.flatline.streams.compare.BoardMonitor.Reference;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The reference windows the monitor matches board inferences against, per device: in memory, the windows within
 * the retention ({@link RecentReferences}); in the store, their durable copy in chunks of {@link #CHUNK}
 * consecutive seqs, one key per chunk. The store is a {@link CommitBufferedStore}: the chunk a window joins is
 * put again on every window but reaches RocksDB and the changelog once per commit, and a chunk is deleted once
 * all of its seqs have left the retention. One key per window (a put and a delete per prediction) was 45 % of the
 * stream thread with every board reporting (docs/benchmarks.md).
 *
 * <p>Made in every {@code init}, like {@link HeldValues}: a device's windows are read back from the store on its
 * first use, before anything is written for it, so what the store holds for it is all committed. Like {@link
 * HeldValues} too, the writes of the record being handled reach the store at {@link #save()}; a record that fails
 * half way is {@linkplain #discard discarded}.
 */
final class ReferenceWindows {

    /** Seqs per chunk: a chunk of the seed model's windows is about 1 KB. */
    static final int CHUNK = 50;

    private final KeyValueStore<String, List<Reference>> chunks;
    private final int retention;
    private final ToIntFunction<String> outputsOf;
    private final Map<String, Device> devices = new HashMap<>();
    /** The current record's chunk writes, by key; null deletes. */
    private final Map<String, List<Reference>> unsaved = new LinkedHashMap<>();

    /**
     * A device's windows in memory, the chunks the store holds, and the last of them, which is being filled. Until
     * its board first reports ({@code durable}), a device's windows are kept in memory only: a sensor-only device
     * costs no changelog records.
     */
    private static final class Device {
        final RecentReferences recent;
        final NavigableSet<Long> stored = new TreeSet<>();
        boolean durable;
        long fillingChunk = Long.MIN_VALUE;
        String fillingKey;
        /**
         * The filling chunk's windows, in the order they came. Only ever appended to, so the view of its first
         * {@code filled} that the store holds until the commit never changes, and no window is copied to make it.
         */
        Reference[] filling;
        int filled;

        Device(RecentReferences recent) {
            this.recent = recent;
        }

        void fill(long chunk, String key, List<Reference> windows) {
            fillingChunk = chunk;
            fillingKey = key;
            filling = windows.toArray(new Reference[Math.max(CHUNK, windows.size())]);
            filled = windows.size();
        }

        List<Reference> filledSoFar() {
            return Arrays.asList(filling).subList(0, filled);
        }
    }

    /** @param outputsOf how many outputs a device's model has */
    ReferenceWindows(KeyValueStore<String, List<Reference>> chunks, int retention, ToIntFunction<String> outputsOf) {
        this.chunks = chunks;
        this.retention = retention;
        this.outputsOf = outputsOf;
    }

    /** The device's windows within the retention. */
    RecentReferences of(String device) {
        return device(device).recent;
    }

    /** Keeps a window newer than every other of the device's. */
    RecentReferences add(String device, Reference reference) {
        Device d = device(device);
        d.recent.add(reference);
        if (d.durable) {
            store(device, d, reference);
        }
        return d.recent;
    }

    /**
     * From now on keeps the device's windows in the store too, starting with those it holds in memory: its board
     * has reported, and its reports must find the same windows after a restart.
     */
    void keepDurably(String device) {
        Device d = device(device);
        if (!d.durable) {
            d.durable = true;
            d.recent.inSeqOrder().forEach(r -> store(device, d, r));
        }
    }

    private void store(String device, Device d, Reference reference) {
        long chunk = chunkOf(reference.seq());
        if (chunk != d.fillingChunk) {
            d.fill(chunk, chunkKey(device, chunk), List.of());
            d.stored.add(chunk);
        }
        if (d.filled == d.filling.length) {
            throw new IllegalStateException("Chunk " + chunk + " of " + device + " already holds " + d.filled
                    + " windows; windows must come in increasing seq order");
        }
        d.filling[d.filled++] = reference;
        unsaved.put(d.fillingKey, d.filledSoFar());
        dropExpiredChunks(device, d);
    }

    /** Writes the current record's chunks to the store. */
    void save() {
        unsaved.forEach(chunks::put);
        unsaved.clear();
    }

    /** Drops the current record's chunks, and what is held of its device: it is read back from the store again. */
    void discard(String device) {
        unsaved.clear();
        forget(device);
    }

    /** Lets go of the device's windows in memory, its chunks saved: its next use reads them back. */
    void forget(String device) {
        devices.remove(device);
    }

    /** Deletes every chunk of the device from the store and forgets its windows; returns how many chunks. */
    int retire(String device) {
        devices.remove(device);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, List<Reference>> stored = storedChunks(device)) {
            stored.forEachRemaining(chunk -> keys.add(chunk.key));
        }
        keys.forEach(key -> unsaved.put(key, null));
        return keys.size();
    }

    private Device device(String device) {
        Device d = devices.get(device);
        if (d == null) {
            d = readBack(device);
            devices.put(device, d);
        }
        return d;
    }

    /**
     * The device's windows as the store holds them, oldest chunk first. Windows with another number of outputs
     * than the model has (stored before the model changed) are left out, and their chunks rewritten without them.
     */
    private Device readBack(String device) {
        int outputs = outputsOf.applyAsInt(device);
        Device d = new Device(new RecentReferences(retention, outputs));
        Map<Long, List<Reference>> rewrite = new HashMap<>();
        try (KeyValueIterator<String, List<Reference>> stored = storedChunks(device)) {
            while (stored.hasNext()) {
                List<Reference> chunk = stored.next().value;
                List<Reference> kept = chunk.stream().filter(r -> r.netOut().length == outputs).toList();
                kept.forEach(d.recent::add);
                if (!chunk.isEmpty()) {
                    long index = chunkOf(chunk.get(0).seq());
                    d.stored.add(index);
                    d.fill(index, chunkKey(device, index), kept);
                    if (kept.size() != chunk.size()) {
                        rewrite.put(index, kept);
                    }
                }
            }
        }
        rewrite.forEach((index, kept) -> unsaved.put(chunkKey(device, index), kept.isEmpty() ? null : kept));
        d.durable = !d.stored.isEmpty();
        dropExpiredChunks(device, d);
        return d;
    }

    /** Deletes the chunks whose every seq has left the retention (all at or before newest - retention). */
    private void dropExpiredChunks(String device, Device d) {
        long firstKept = chunkOf(d.recent.newestSeq() - retention + 1);
        while (!d.stored.isEmpty() && d.stored.first() < firstKept) {
            unsaved.put(chunkKey(device, d.stored.pollFirst()), null);
        }
    }

    /** The device's chunks in the store, oldest first. */
    private KeyValueIterator<String, List<Reference>> storedChunks(String device) {
        return chunks.range(chunkKey(device, 0), chunkKey(device, Long.MAX_VALUE));
    }

    private static long chunkOf(long seq) {
        return Math.floorDiv(seq, CHUNK);
    }

    /**
     * A chunk's key: {@code <length of the id>:<id>@<chunk index, zero-padded>}. Keys sort by chunk within a device,
     * and no other device's key falls in a device's range whatever the ids: the length prefix tells {@code a} from
     * {@code a@1}, whose keys an id-and-index key alone would put inside {@code a}'s range.
     */
    static String chunkKey(String device, long chunk) {
        return indexed(new StringBuilder(device.length() + 26).append(device.length()).append(':').append(device),
                chunk);
    }

    private static String indexed(StringBuilder prefix, long chunk) {
        // Same digits as String.format("%019d"), without the Formatter, which was a visible share of the hot path.
        String digits = Long.toString(Math.max(chunk, 0));
        prefix.append('@');
        for (int i = digits.length(); i < 19; i++) {
            prefix.append('0');
        }
        return prefix.append(digits).toString();
    }
}

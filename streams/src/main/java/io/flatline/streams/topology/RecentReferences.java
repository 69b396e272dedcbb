package io.flatline.streams.topology;

import java.util.Arrays;
import java.util.Optional;

import io.flatline.streams.compare.BoardMonitor.Reference;
import io.flatline.streams.compare.BoardMonitor.References;

/**
 * One device's reference windows within the retention (the newest {@code retention} seqs), in memory and compact:
 * a ring of seqs, input CRCs and outputs, a slot per seq modulo the retention. The monitor reads a board's
 * matches here instead of from RocksDB (a window by seq, and the newest window with a given input CRC), and the
 * store of reference windows stays the durable copy it is rebuilt from. About 21 bytes a window: 10 KB a device
 * with the default retention and the seed model's five outputs.
 */
final class RecentReferences implements References {

    private static final long EMPTY = Long.MIN_VALUE;

    private final int retention;
    private final int outputs;
    private final long[] seqs;
    private final long[] crcs;
    private final byte[] netOuts;
    private long newest = -1;

    RecentReferences(int retention, int outputs) {
        this.retention = retention;
        this.outputs = outputs;
        this.seqs = new long[retention];
        this.crcs = new long[retention];
        this.netOuts = new byte[retention * outputs];
        Arrays.fill(seqs, EMPTY);
    }

    /** Keeps a window, newer than any kept so far, in place of the one in its slot (at or before seq - retention). */
    void add(Reference reference) {
        if (reference.netOut().length != outputs) {
            throw new IllegalArgumentException("a reference output has " + reference.netOut().length
                    + " values, the model " + outputs);
        }
        int slot = slot(reference.seq());
        seqs[slot] = reference.seq();
        crcs[slot] = reference.crc();
        System.arraycopy(reference.netOut(), 0, netOuts, slot * outputs, outputs);
        newest = Math.max(newest, reference.seq());
    }

    @Override
    public Optional<Reference> bySeq(long seq) {
        int slot = slot(seq);
        return seqs[slot] == seq && retained(seq) ? Optional.of(at(slot)) : Optional.empty();
    }

    /** The newest kept window whose input had this CRC. */
    @Override
    public Optional<Reference> byCrc(long crc) {
        int best = -1;
        for (int slot = 0; slot < retention; slot++) {
            if (crcs[slot] == crc && seqs[slot] != EMPTY && retained(seqs[slot])
                    && (best < 0 || seqs[slot] > seqs[best])) {
                best = slot;
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(at(best));
    }

    /** The kept windows, oldest first. */
    java.util.List<Reference> inSeqOrder() {
        java.util.List<Reference> out = new java.util.ArrayList<>();
        for (long seq = Math.max(newest - retention + 1, 0); seq <= newest && newest >= 0; seq++) {
            bySeq(seq).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public long newestSeq() {
        return newest;
    }

    /** Windows older than the retention may linger in slots a gap in the seqs skipped: they are not answered. */
    private boolean retained(long seq) {
        return seq > newest - retention;
    }

    private int slot(long seq) {
        return (int) Math.floorMod(seq, (long) retention);
    }

    private Reference at(int slot) {
        return new Reference(seqs[slot], crcs[slot], Arrays.copyOfRange(netOuts, slot * outputs, (slot + 1) * outputs));
    }
}

package io.flatline.streams.window;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The last {@code size} quantized readings of one device, in a ring, and enough bookkeeping to tell when the
 * next prediction is due. Readings are kept already quantized: each one quantizes independently of the
 * others, and 10 bytes a reading keep the changelog small.
 *
 * @param rows     the ring of int8 rows, {@code size * channels} bytes
 * @param head     index of the row the next reading overwrites
 * @param count    rows held, up to {@code size}
 * @param appended readings appended since the window last started, which paces the stride
 * @param lastSeq  seq of the newest reading, -1 before the first
 */
public record WindowState(int size, int channels, byte[] rows, int head, int count, long appended, long lastSeq,
                          long lastTimestamp) {

    public static WindowState empty(int size, int channels) {
        return new WindowState(size, channels, new byte[size * channels], 0, 0, 0, -1, 0);
    }

    public enum Outcome { APPENDED, APPENDED_AFTER_GAP, DUPLICATE, OUT_OF_ORDER }

    /** What one reading did: the next state, what happened, and whether a prediction is due now. */
    public record Step(WindowState state, Outcome outcome, boolean predictionDue) {
    }

    public boolean full() {
        return count == size;
    }

    /** Takes a reading's quantized row; a reading at or before the newest one is refused and changes nothing. */
    public Step accept(long seq, long timestamp, byte[] row, WindowPolicy policy) {
        if (row.length != channels) {
            throw new IllegalArgumentException("a reading has " + row.length + " channels, the window " + channels);
        }
        if (lastSeq >= 0 && seq == lastSeq) {
            return new Step(this, Outcome.DUPLICATE, false);
        }
        if (lastSeq >= 0 && seq < lastSeq) {
            return new Step(this, Outcome.OUT_OF_ORDER, false);
        }
        boolean gap = lastSeq >= 0 && seq > lastSeq + 1;
        WindowState base = gap && policy.onGap() == WindowPolicy.GapPolicy.RESET ? empty(size, channels) : this;
        byte[] next = base.rows.clone();
        System.arraycopy(row, 0, next, base.head * channels, channels);
        long appendedNow = base.appended + 1;
        WindowState state = new WindowState(size, channels, next, (base.head + 1) % size, Math.min(size, base.count + 1),
                appendedNow, seq, timestamp);
        boolean due = appendedNow >= size && (appendedNow - size) % policy.stride() == 0;
        return new Step(state, gap ? Outcome.APPENDED_AFTER_GAP : Outcome.APPENDED, due);
    }

    /** The window as the model takes it: oldest reading first, time-major. */
    public byte[] window() {
        byte[] out = new byte[count * channels];
        // Until the ring is full its rows start at 0 in order; once full, the oldest is at head: two runs.
        int oldest = full() ? head : 0;
        int toEnd = (Math.min(size - oldest, count)) * channels;
        System.arraycopy(rows, oldest * channels, out, 0, toEnd);
        System.arraycopy(rows, 0, out, toEnd, out.length - toEnd);
        return out;
    }

    public WindowState reset() {
        return new WindowState(size, channels, new byte[size * channels], 0, 0, 0, lastSeq, lastTimestamp);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowState w && size == w.size && channels == w.channels && head == w.head
                && count == w.count && appended == w.appended && lastSeq == w.lastSeq
                && lastTimestamp == w.lastTimestamp && Arrays.equals(rows, w.rows);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(rows) + Long.hashCode(lastSeq);
    }

    @Override
    public String toString() {
        return "WindowState[count=" + count + "/" + size + ", lastSeq=" + lastSeq + ", appended=" + appended + "]";
    }

    private static final byte VERSION = 1;
    private static final int HEADER = 1 + 4 + 4 + 4 + 4 + 8 + 8 + 8;

    /** How many bytes {@link #writeTo} writes. */
    public int binarySize() {
        return HEADER + rows.length;
    }

    /**
     * A version byte, the fields, then the ring: what {@link #readFrom} reads back. Written straight into the
     * caller's stream: the store writes one of these on every reading.
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeInt(size);
        out.writeInt(channels);
        out.writeInt(head);
        out.writeInt(count);
        out.writeLong(appended);
        out.writeLong(lastSeq);
        out.writeLong(lastTimestamp);
        out.write(rows);
    }

    /** Reads what {@link #writeTo} wrote, {@code length} bytes of it. */
    public static WindowState readFrom(DataInput in, int length) throws IOException {
        if (length < HEADER || in.readByte() != VERSION) {
            throw new SerializationException("Not a Flatline window state (" + length + " bytes)");
        }
        int size = in.readInt();
        int channels = in.readInt();
        int head = in.readInt();
        int count = in.readInt();
        long appended = in.readLong();
        long lastSeq = in.readLong();
        long lastTimestamp = in.readLong();
        if (size < 1 || channels < 1 || (long) size * channels != length - HEADER) {
            throw new SerializationException("A window state of " + size + "x" + channels + " holds "
                    + (length - HEADER) + " bytes of rows");
        }
        byte[] rows = new byte[length - HEADER];
        in.readFully(rows);
        return new WindowState(size, channels, rows, head, count, appended, lastSeq, lastTimestamp);
    }
}

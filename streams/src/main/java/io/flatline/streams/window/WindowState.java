package io.flatline.streams.window;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The last {@code size} quantized readings of one device, oldest first, and enough bookkeeping to tell when the
 * next prediction is due. Readings are kept already quantized: each one quantizes independently of the
 * others, and 10 bytes a reading keep the changelog small. Kept in the model's time-major layout, so that a full
 * window is handed to the model, the CRC and the level count as it is, without a copy per reading.
 *
 * @param rows     {@code size * channels} bytes: the {@code count} rows held, oldest first, then zeros
 * @param count    rows held, up to {@code size}
 * @param appended readings appended since the window last started, which paces the stride
 * @param lastSeq  seq of the newest reading, -1 before the first
 */
public record WindowState(int size, int channels, byte[] rows, int count, long appended, long lastSeq,
                          long lastTimestamp) {

    public static WindowState empty(int size, int channels) {
        return new WindowState(size, channels, new byte[size * channels], 0, 0, -1, 0);
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
        // A full window drops its oldest row: the rest moves up by one, and the new row goes last.
        int kept = base.full() ? size - 1 : base.count;
        byte[] next = new byte[size * channels];
        System.arraycopy(base.rows, (base.count - kept) * channels, next, 0, kept * channels);
        System.arraycopy(row, 0, next, kept * channels, channels);
        long appendedNow = base.appended + 1;
        WindowState state = new WindowState(size, channels, next, kept + 1, appendedNow, seq, timestamp);
        boolean due = appendedNow >= size && (appendedNow - size) % policy.stride() == 0;
        return new Step(state, gap ? Outcome.APPENDED_AFTER_GAP : Outcome.APPENDED, due);
    }

    /**
     * The window as the model takes it: oldest reading first, time-major. Once the window is full this is the
     * state's own array, shared: the caller must not change it.
     */
    public byte[] window() {
        return full() ? rows : Arrays.copyOf(rows, count * channels);
    }

    public WindowState reset() {
        return new WindowState(size, channels, new byte[size * channels], 0, 0, lastSeq, lastTimestamp);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowState w && size == w.size && channels == w.channels && count == w.count && appended == w.appended && lastSeq == w.lastSeq
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
     * A version byte, the fields, then the rows as a ring (the format has a ring's head: the row the next
     * reading overwrites, which for rows kept oldest first is the count, or 0 once full): what {@link #readFrom}
     * reads back. Written straight into the caller's stream.
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeInt(size);
        out.writeInt(channels);
        out.writeInt(count % size);
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
        if (count < 0 || count > size || head < 0 || head >= size) {
            throw new SerializationException("A window state of " + size + " rows says it holds " + count
                    + " with its head at " + head);
        }
        byte[] ring = new byte[length - HEADER];
        in.readFully(ring);
        // Until a ring is full its rows start at 0 in order; once full, the oldest is at its head.
        byte[] rows = ring;
        if (count == size && head != 0) {
            rows = new byte[ring.length];
            int toEnd = (size - head) * channels;
            System.arraycopy(ring, head * channels, rows, 0, toEnd);
            System.arraycopy(ring, 0, rows, toEnd, ring.length - toEnd);
        }
        return new WindowState(size, channels, rows, count, appended, lastSeq, lastTimestamp);
    }
}

package io.flatline.streams.topology;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.flatline.streams.compare.BoardMonitor.Reference;
import io.flatline.streams.detect.RecentOutputs;
import io.flatline.streams.detect.RunDetector.RunState;
import io.flatline.streams.window.WindowState;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Compact binary serdes for the state written on every reading or prediction: each device's window with the
 * reference's detector run, and the reference's recent windows. JSON there cost a tenth of the stream thread's
 * time (see docs/benchmarks.md); each value starts with a version byte so the layout can change without
 * misreading an old changelog.
 */
final class StoreSerdes {

    /**
     * Version 2: the reference detector's run carries its near-flatline window; alarms moved to their own store.
     * Version 3: the reference state names the model of its window and the one the board reported.
     */
    private static final byte VERSION = 3;

    private StoreSerdes() {
    }

    interface Writer<T> {
        void write(T value, DataOutputStream out) throws IOException;
    }

    /** Reads a value written with {@code version} (1 up to the current one). */
    interface Reader<T> {
        T read(DataInputStream in, int version) throws IOException;
    }

    /** A chunk of a device's reference windows, oldest first: see {@link ReferenceWindows}. */
    static Serde<List<Reference>> referenceChunk() {
        return binary("reference chunk", 1024, (chunk, out) -> {
            out.writeInt(chunk.size());
            for (Reference r : chunk) {
                out.writeLong(r.seq());
                out.writeLong(r.crc());
                bytes(out, r.netOut());
            }
        }, (in, version) -> {
            int n = in.readInt();
            List<Reference> chunk = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                chunk.add(new Reference(in.readLong(), in.readLong(), bytes(in)));
            }
            return chunk;
        });
    }

    static Serde<ReferenceState> referenceState() {
        return binary("reference state", 640, (r, out) -> {
            out.writeInt(r.window().binarySize());
            r.window().writeTo(out);
            out.writeBoolean(r.run() != null);
            if (r.run() != null) {
                writeRun(r.run(), out);
            }
            out.writeShort(r.lastValues().length);
            for (float v : r.lastValues()) {
                out.writeFloat(v);
            }
            out.writeInt(r.steadyReadings());
            optionalString(out, r.model());
            optionalString(out, r.reported());
            out.writeLong(r.reportedSince());
        }, (in, version) -> {
            WindowState window = WindowState.readFrom(in, in.readInt());
            if (version < 2) {
                // A version-1 run had no near-flatline window and its alarms lived here: the detector starts afresh.
                return new ReferenceState(window, null, new float[0], 0, null, null, -1);
            }
            RunState run = in.readBoolean() ? readRun(in) : null;
            float[] values = new float[in.readUnsignedShort()];
            for (int i = 0; i < values.length; i++) {
                values[i] = in.readFloat();
            }
            int steady = in.readInt();
            if (version < 3) {
                return new ReferenceState(window, run, values, steady, null, null, -1);
            }
            return new ReferenceState(window, run, values, steady, optionalString(in), optionalString(in),
                    in.readLong());
        });
    }

    private static void writeRun(RunState s, DataOutputStream out) throws IOException {
        bytes(out, s.netOut());
        out.writeLong(s.firstSeq());
        out.writeLong(s.lastSeq());
        out.writeInt(s.runLength());
        out.writeInt(s.distinctInputs());
        out.writeLong(s.lastInput());
        out.writeLong(s.staleFirstSeq());
        out.writeInt(s.staleRun());
        RecentOutputs recent = s.recent();
        out.writeShort(recent.size());
        bytes(out, recent.outputs());
        out.write(recent.inputMoved());
        out.writeLong(recent.count());
        byte[] anchor = recent.anchor();
        out.writeBoolean(anchor != null);
        if (anchor != null) {
            bytes(out, anchor);
        }
        out.writeInt(recent.near());
    }

    private static RunState readRun(DataInputStream in) throws IOException {
        byte[] netOut = bytes(in);
        long firstSeq = in.readLong();
        long lastSeq = in.readLong();
        int runLength = in.readInt();
        int distinct = in.readInt();
        long lastInput = in.readLong();
        long staleFirstSeq = in.readLong();
        int staleRun = in.readInt();
        byte[] moved = new byte[in.readUnsignedShort()];
        byte[] outputs = bytes(in);
        in.readFully(moved);
        long count = in.readLong();
        byte[] anchor = in.readBoolean() ? bytes(in) : null;
        return new RunState(netOut, firstSeq, lastSeq, runLength, distinct, lastInput, staleFirstSeq, staleRun,
                new RecentOutputs(outputs, moved, count, anchor, in.readInt()));
    }

    private static <T> Serde<T> binary(String what, int sizeHint, Writer<T> writer, Reader<T> reader) {
        return Serdes.serdeFrom((topic, value) -> {
            if (value == null) {
                return null;
            }
            UnsharedBytes bytes = new UnsharedBytes(sizeHint);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(VERSION);
                writer.write(value, out);
            } catch (IOException e) {
                throw new SerializationException("Cannot write a " + what + ": " + e.getMessage(), e);
            }
            return bytes.toByteArray();
        }, (topic, data) -> {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                int version = in.readByte();
                if (version < 1 || version > VERSION) {
                    throw new SerializationException("Not a version 1-" + VERSION + " " + what + " (" + data.length
                            + " bytes)");
                }
                return reader.read(in, version);
            } catch (IOException | IllegalArgumentException e) {
                throw new SerializationException("Cannot read a " + what + " (" + data.length + " bytes): "
                        + e.getMessage(), e);
            }
        });
    }

    /**
     * A growing byte array without ByteArrayOutputStream's locks: DataOutputStream writes an int as four
     * single-byte calls, and a lock on each showed in the profile of the store write made on every reading.
     */
    private static final class UnsharedBytes extends OutputStream {
        private byte[] buffer;
        private int size;

        UnsharedBytes(int capacity) {
            buffer = new byte[capacity];
        }

        @Override
        public void write(int b) {
            ensure(1);
            buffer[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int offset, int length) {
            ensure(length);
            System.arraycopy(b, offset, buffer, size, length);
            size += length;
        }

        private void ensure(int more) {
            if (size + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer, size);
        }
    }

    private static void optionalString(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String optionalString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void bytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeShort(value.length);
        out.write(value);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        byte[] value = new byte[in.readUnsignedShort()];
        in.readFully(value);
        return value;
    }
}

package io.flatline.streams.topology;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.flatline.schemas.AlertKind;
import io.flatline.schemas.Diagnosis;
import io.flatline.streams.compare.BoardMonitor.OpenAlert;
import io.flatline.streams.compare.BoardMonitor.Reference;
import io.flatline.streams.detect.RunDetector.RunState;
import io.flatline.streams.diagnose.Verdict;
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

    private static final byte VERSION = 1;

    private StoreSerdes() {
    }

    interface Writer<T> {
        void write(T value, DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
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
        }, in -> {
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
            out.writeInt(r.open().size());
            for (OpenAlert o : r.open()) {
                out.writeUTF(o.kind().name());
                out.writeUTF(o.verdict().diagnosis().name());
                out.writeUTF(o.verdict().evidence());
            }
        }, in -> {
            WindowState window = WindowState.readFrom(in, in.readInt());
            RunState run = in.readBoolean() ? readRun(in) : null;
            int open = in.readInt();
            List<OpenAlert> alerts = new ArrayList<>(open);
            for (int i = 0; i < open; i++) {
                alerts.add(new OpenAlert(AlertKind.valueOf(in.readUTF()),
                        new Verdict(Diagnosis.valueOf(in.readUTF()), in.readUTF())));
            }
            return new ReferenceState(window, run, alerts);
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
        out.writeBoolean(s.stuckOpen());
        out.writeBoolean(s.staleOpen());
    }

    private static RunState readRun(DataInputStream in) throws IOException {
        return new RunState(bytes(in), in.readLong(), in.readLong(), in.readInt(), in.readInt(), in.readLong(),
                in.readLong(), in.readInt(), in.readBoolean(), in.readBoolean());
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
                if (in.readByte() != VERSION) {
                    throw new SerializationException("Not a version-" + VERSION + " " + what + " (" + data.length
                            + " bytes)");
                }
                return reader.read(in);
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

package io.flatline.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The pieces of Avro's binary encoding (specification, "Binary Encoding") that the hand-written codecs use:
 * zig-zag varints, length-prefixed strings and bytes, little-endian floats, and arrays in blocks.
 */
final class AvroBinary {

    private AvroBinary() {
    }

    /** Bytes of {@code value} as a zig-zag varint. */
    static int sizeOfLong(long value) {
        long n = (value << 1) ^ (value >> 63);
        int size = 1;
        while ((n & ~0x7FL) != 0) {
            n >>>= 7;
            size++;
        }
        return size;
    }

    static int sizeOfBytes(int length) {
        return sizeOfLong(length) + length;
    }

    /** A union of null and a long: the branch's index, then the long if there is one. */
    static int sizeOfNullableLong(Long value) {
        return value == null ? 1 : 1 + sizeOfLong(value);
    }

    /** An array of {@code n} floats in one block: its count, the floats, and the 0 that ends the array. */
    static int sizeOfFloatArray(int n) {
        return n == 0 ? 1 : sizeOfLong(n) + 4 * n + 1;
    }

    /** Writes into a buffer sized exactly beforehand, so the position is all there is to keep. */
    static final class Writer {
        private final byte[] buffer;
        private int position;

        /** A record of {@code size} bytes that starts with {@code header}. */
        Writer(int size, byte[] header) {
            this.buffer = new byte[size];
            System.arraycopy(header, 0, buffer, 0, header.length);
            this.position = header.length;
        }

        void writeLong(long value) {
            long n = (value << 1) ^ (value >> 63);
            while ((n & ~0x7FL) != 0) {
                buffer[position++] = (byte) ((n & 0x7F) | 0x80);
                n >>>= 7;
            }
            buffer[position++] = (byte) n;
        }

        void writeBytes(byte[] bytes) {
            writeLong(bytes.length);
            System.arraycopy(bytes, 0, buffer, position, bytes.length);
            position += bytes.length;
        }

        void writeBoolean(boolean value) {
            buffer[position++] = (byte) (value ? 1 : 0);
        }

        /** A union of null and a long, null first (the index of the branch, then its value). */
        void writeNullableLong(Long value) {
            writeLong(value == null ? 0 : 1);
            if (value != null) {
                writeLong(value);
            }
        }

        /** A {@code bytes} value: what is left of the buffer (position to limit), which is not moved. */
        void writeBuffer(ByteBuffer bytes) {
            int length = bytes.remaining();
            writeLong(length);
            bytes.duplicate().get(buffer, position, length);
            position += length;
        }

        void writeFloatArray(List<Float> values) {
            int n = values.size();
            if (n > 0) {
                writeLong(n);
                for (int i = 0; i < n; i++) {
                    writeFloat(values.get(i));
                }
            }
            writeLong(0);
        }

        private void writeFloat(float value) {
            int bits = Float.floatToRawIntBits(value);
            buffer[position++] = (byte) bits;
            buffer[position++] = (byte) (bits >>> 8);
            buffer[position++] = (byte) (bits >>> 16);
            buffer[position++] = (byte) (bits >>> 24);
        }

        /** The buffer, checked full: a size computed wrong must not pass as a record with zeros at its end. */
        byte[] finish() {
            if (position != buffer.length) {
                throw new IllegalStateException("wrote " + position + " bytes of " + buffer.length);
            }
            return buffer;
        }
    }

    /** Reads a datum from an array, refusing any length that reaches past its end. */
    static final class Reader {
        private final byte[] data;
        private int position;

        Reader(byte[] data, int position) {
            this.data = data;
            this.position = position;
        }

        long readLong() throws IOException {
            long n = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = next();
                n |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return (n >>> 1) ^ -(n & 1);
                }
            }
            throw new IOException("a varint longer than 10 bytes at byte " + position);
        }

        int readInt() throws IOException {
            long value = readLong();
            if (value != (int) value) {
                throw new IOException("an int out of range at byte " + position + ": " + value);
            }
            return (int) value;
        }

        boolean readBoolean() throws IOException {
            int b = next();
            if (b != 0 && b != 1) {
                throw new IOException("a boolean of value " + b + " at byte " + (position - 1));
            }
            return b == 1;
        }

        /** Which branch of a union of null and one type: false for null. */
        boolean readPresent() throws IOException {
            long branch = readLong();
            if (branch != 0 && branch != 1) {
                throw new IOException("branch " + branch + " of a union of two at byte " + position);
            }
            return branch == 1;
        }

        String readString() throws IOException {
            int length = length("string");
            String value = new String(data, position, length, StandardCharsets.UTF_8);
            position += length;
            return value;
        }

        byte[] readBytes() throws IOException {
            int length = length("bytes");
            byte[] value = new byte[length];
            System.arraycopy(data, position, value, 0, length);
            position += length;
            return value;
        }

        float readFloat() throws IOException {
            require(4, "a float");
            int bits = (data[position] & 0xFF) | (data[position + 1] & 0xFF) << 8 | (data[position + 2] & 0xFF) << 16
                    | (data[position + 3] & 0xFF) << 24;
            position += 4;
            return Float.intBitsToFloat(bits);
        }

        /**
         * An array of floats, in as many blocks as the writer used (a negative count is followed by the
         * block's size in bytes, which is skipped).
         */
        float[] readFloatArray() throws IOException {
            float[] values = new float[0];
            int filled = 0;
            for (long count = readLong(); count != 0; count = readLong()) {
                if (count < 0) {
                    count = -count;
                    readLong();
                }
                if (count > (data.length - position) / 4) {
                    throw new IOException("an array of " + count + " floats at byte " + position + " runs past the "
                            + data.length + " bytes of the record");
                }
                values = Arrays.copyOf(values, filled + (int) count);
                for (int i = 0; i < count; i++) {
                    values[filled++] = readFloat();
                }
            }
            return values;
        }

        private int length(String what) throws IOException {
            long length = readLong();
            if (length < 0 || length > data.length - position) {
                throw new IOException("a " + what + " of " + length + " bytes at byte " + position + " in a record of "
                        + data.length);
            }
            return (int) length;
        }

        private int next() throws IOException {
            require(1, "a varint");
            return data[position++];
        }

        private void require(int bytes, String what) throws EOFException {
            if (position + bytes > data.length) {
                throw new EOFException("the record ends at byte " + data.length + " in " + what);
            }
        }
    }
}

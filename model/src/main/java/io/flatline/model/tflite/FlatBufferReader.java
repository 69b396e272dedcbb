package io.flatline.model.tflite;

import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked reader of the FlatBuffers wire format, just enough for the TFLite schema.
 *
 * <p>Every offset read from the file is checked against the buffer before it is followed, and every
 * vector length against the bytes that remain, so a hostile file fails with a {@link
 * ModelFormatException} instead of an index error, a huge allocation or a loop. Offsets to tables,
 * vectors and strings are unsigned and point forward, so following them cannot cycle.
 */
final class FlatBufferReader {
    private final byte[] buf;

    FlatBufferReader(byte[] buf) {
        this.buf = buf;
    }

    int length() {
        return buf.length;
    }

    /** The root table, after checking the size and the optional file identifier. */
    Table root(String identifier) throws ModelFormatException {
        if (buf.length < 8) {
            throw new ModelFormatException("file is " + buf.length + " bytes: too short to be a TFLite model");
        }
        String id = new String(buf, 4, 4, StandardCharsets.ISO_8859_1);
        if (!id.equals(identifier)) {
            throw new ModelFormatException(
                    "not a TFLite model: file identifier is \"" + printable(id) + "\", expected \""
                    + identifier + "\"");
        }
        return table(deref(0, "root"), "root");
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.toString();
    }

    private void check(long pos, long size, String what) throws ModelFormatException {
        if (pos < 0 || size < 0 || pos + size > buf.length) {
            throw new ModelFormatException(
                    "truncated or corrupted file: " + what + " at byte " + pos + " (+" + size + ") is outside the "
                            + buf.length + "-byte file");
        }
    }

    int u8(int pos, String what) throws ModelFormatException {
        check(pos, 1, what);
        return buf[pos] & 0xff;
    }

    int u16(int pos, String what) throws ModelFormatException {
        check(pos, 2, what);
        return (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8;
    }

    int i32(int pos, String what) throws ModelFormatException {
        check(pos, 4, what);
        return (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16 | buf[pos + 3] << 24;
    }

    long i64(int pos, String what) throws ModelFormatException {
        return (i32(pos, what) & 0xffffffffL) | (long) i32(pos + 4, what) << 32;
    }

    /** Follows the unsigned forward offset stored at {@code pos}. */
    private int deref(int pos, String what) throws ModelFormatException {
        long target = pos + (i32(pos, what) & 0xffffffffL);
        check(target, 4, what);
        return (int) target;
    }

    Table table(int pos, String what) throws ModelFormatException {
        long vtable = pos - (long) i32(pos, what + " vtable offset");
        check(vtable, 4, what + " vtable");
        int vtableSize = u16((int) vtable, what + " vtable");
        if (vtableSize < 4 || (vtableSize & 1) != 0) {
            throw new ModelFormatException("corrupted file: " + what + " has a vtable of " + vtableSize + " bytes");
        }
        check(vtable, vtableSize, what + " vtable");
        int inlineSize = u16((int) vtable + 2, what + " vtable");
        check(pos, inlineSize, what);
        return new Table(pos, (int) vtable, vtableSize, inlineSize, what);
    }

    /** One table: fields are looked up through its vtable; absent fields read as their defaults. */
    final class Table {
        private final int pos;
        private final int vtable;
        private final int vtableSize;
        private final int inlineSize;
        private final String what;

        private Table(int pos, int vtable, int vtableSize, int inlineSize, String what) {
            this.pos = pos;
            this.vtable = vtable;
            this.vtableSize = vtableSize;
            this.inlineSize = inlineSize;
            this.what = what;
        }

        /** Absolute position of field {@code id}, or -1 when absent. */
        private int field(int id, int size, String name) throws ModelFormatException {
            int slot = 4 + 2 * id;
            if (slot + 2 > vtableSize) {
                return -1;
            }
            int off = u16(vtable + slot, what + "." + name);
            if (off == 0) {
                return -1;
            }
            if (off + size > inlineSize) {
                throw new ModelFormatException(
                        "corrupted file: field " + what + "." + name + " lies outside its table");
            }
            return pos + off;
        }

        boolean has(int id) throws ModelFormatException {
            return field(id, 0, "#" + id) >= 0;
        }

        int u8(int id, String name, int dflt) throws ModelFormatException {
            int p = field(id, 1, name);
            return p < 0 ? dflt : FlatBufferReader.this.u8(p, what + "." + name);
        }

        int i32(int id, String name, int dflt) throws ModelFormatException {
            int p = field(id, 4, name);
            return p < 0 ? dflt : FlatBufferReader.this.i32(p, what + "." + name);
        }

        long i64(int id, String name, long dflt) throws ModelFormatException {
            int p = field(id, 8, name);
            return p < 0 ? dflt : FlatBufferReader.this.i64(p, what + "." + name);
        }

        float f32(int id, String name, float dflt) throws ModelFormatException {
            int p = field(id, 4, name);
            return p < 0 ? dflt : Float.intBitsToFloat(FlatBufferReader.this.i32(p, what + "." + name));
        }

        /** A sub-table, or null when absent. */
        Table table(int id, String name) throws ModelFormatException {
            int p = field(id, 4, name);
            return p < 0 ? null : FlatBufferReader.this.table(deref(p, what + "." + name), name);
        }

        /** A vector, or null when absent. */
        Vector vector(int id, String name, int elementSize) throws ModelFormatException {
            int p = field(id, 4, name);
            if (p < 0) {
                return null;
            }
            int start = deref(p, what + "." + name);
            long count = FlatBufferReader.this.i32(start, name + " length") & 0xffffffffL;
            check(start + 4L, count * elementSize, name + " (" + count + " elements)");
            return new Vector(start + 4, (int) count, elementSize, name);
        }

        String string(int id, String name) throws ModelFormatException {
            Vector v = vector(id, name, 1);
            return v == null ? null : new String(buf, v.start, v.count, StandardCharsets.UTF_8);
        }
    }

    /** A vector of fixed-size elements or of offsets to tables. */
    final class Vector {
        final int start;
        final int count;
        private final int elementSize;
        private final String name;

        private Vector(int start, int count, int elementSize, String name) {
            this.start = start;
            this.count = count;
            this.elementSize = elementSize;
            this.name = name;
        }

        int i32(int i) throws ModelFormatException {
            return FlatBufferReader.this.i32(start + i * elementSize, name + "[" + i + "]");
        }

        long i64(int i) throws ModelFormatException {
            return FlatBufferReader.this.i64(start + i * elementSize, name + "[" + i + "]");
        }

        float f32(int i) throws ModelFormatException {
            return Float.intBitsToFloat(i32(i));
        }

        Table table(int i) throws ModelFormatException {
            int p = start + i * 4;
            return FlatBufferReader.this.table(deref(p, name + "[" + i + "]"), name + "[" + i + "]");
        }

        int[] ints() throws ModelFormatException {
            int[] out = new int[count];
            for (int i = 0; i < count; i++) {
                out[i] = i32(i);
            }
            return out;
        }

        byte[] bytes() {
            byte[] out = new byte[count];
            System.arraycopy(buf, start, out, 0, count);
            return out;
        }
    }

    /** Raw bytes outside the flatbuffer proper (large-model buffers stored after it). */
    byte[] slice(long offset, long size, String what) throws ModelFormatException {
        check(offset, size, what);
        byte[] out = new byte[(int) size];
        System.arraycopy(buf, (int) offset, out, 0, (int) size);
        return out;
    }
}

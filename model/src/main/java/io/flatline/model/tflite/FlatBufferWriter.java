package io.flatline.model.tflite;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes FlatBuffers front to back: each table is followed by its vtable-referenced children, so
 * every offset points forward as the format requires. Small and slow, which is fine for fixtures.
 */
final class FlatBufferWriter {
    /** A value to place in a table or vector. */
    sealed interface Value {}

    record Scalar(int size, long bits) implements Value {}

    record Str(String s) implements Value {}

    record Bytes(byte[] data, int align) implements Value {}

    record Ints(int[] values) implements Value {}

    record Longs(long[] values) implements Value {}

    record Floats(float[] values) implements Value {}

    record Tables(List<Table> tables) implements Value {}

    /** A table: field id to value, absent ids left out. */
    static final class Table implements Value {
        private final List<Value> fields = new ArrayList<>();

        Table set(int id, Value v) {
            while (fields.size() <= id) {
                fields.add(null);
            }
            fields.set(id, v);
            return this;
        }

        Table u8(int id, int v) {
            return set(id, new Scalar(1, v & 0xff));
        }

        Table i32(int id, int v) {
            return set(id, new Scalar(4, v & 0xffffffffL));
        }

        Table i64(int id, long v) {
            return set(id, new Scalar(8, v));
        }

        Table f32(int id, float v) {
            return set(id, new Scalar(4, Float.floatToIntBits(v) & 0xffffffffL));
        }
    }

    private byte[] buf = new byte[1024];
    private int pos;

    static byte[] finish(Table root, String identifier) {
        FlatBufferWriter w = new FlatBufferWriter();
        w.pos = 8;
        System.arraycopy(identifier.getBytes(StandardCharsets.ISO_8859_1), 0, w.buf, 4, 4);
        int rootPos = w.table(root);
        w.putInt(0, rootPos);
        return Arrays.copyOf(w.buf, w.pos);
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    private void align(int a, int offset) {
        while ((pos + offset) % a != 0) {
            ensure(1);
            buf[pos++] = 0;
        }
    }

    private void putInt(int at, int v) {
        for (int i = 0; i < 4; i++) {
            buf[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private void put(long bits, int size) {
        ensure(size);
        for (int i = 0; i < size; i++) {
            buf[pos++] = (byte) (bits >>> (8 * i));
        }
    }

    private static int inlineSize(Value v) {
        return v instanceof Scalar s ? s.size() : 4;
    }

    private int table(Table t) {
        int n = t.fields.size();
        // Lay the fields out after the 4-byte vtable offset, each aligned to its own size.
        int[] offsets = new int[n];
        int size = 4;
        for (int size8 : new int[] {8, 4, 2, 1}) {
            for (int i = 0; i < n; i++) {
                Value v = t.fields.get(i);
                if (v != null && inlineSize(v) == size8) {
                    size = (size + size8 - 1) / size8 * size8;
                    offsets[i] = size;
                    size += size8;
                }
            }
        }
        align(2, 0);
        int vtable = pos;
        put(4 + 2L * n, 2);
        put(size, 2);
        for (int i = 0; i < n; i++) {
            put(offsets[i], 2);
        }
        align(8, 0);
        int table = pos;
        ensure(size);
        pos += size;
        putInt(table, table - vtable);
        List<int[]> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Value v = t.fields.get(i);
            if (v instanceof Scalar s) {
                for (int b = 0; b < s.size(); b++) {
                    buf[table + offsets[i] + b] = (byte) (s.bits() >>> (8 * b));
                }
            } else if (v != null) {
                pending.add(new int[] {i, table + offsets[i]});
            }
        }
        for (int[] p : pending) {
            int child = value(t.fields.get(p[0]));
            putInt(p[1], child - p[1]);
        }
        return table;
    }

    private int value(Value v) {
        if (v instanceof Table t) {
            return table(t);
        }
        if (v instanceof Str s) {
            byte[] b = s.s().getBytes(StandardCharsets.UTF_8);
            return vector(b.length, 4, i -> put(b[i], 1), true);
        }
        if (v instanceof Bytes b) {
            return vector(b.data().length, b.align(), i -> put(b.data()[i], 1), false);
        }
        if (v instanceof Ints a) {
            return vector(a.values().length, 4, i -> put(a.values()[i], 4), false);
        }
        if (v instanceof Longs a) {
            return vector(a.values().length, 8, i -> put(a.values()[i], 8), false);
        }
        if (v instanceof Floats a) {
            return vector(a.values().length, 4, i -> put(Float.floatToIntBits(a.values()[i]), 4), false);
        }
        Tables ts = (Tables) v;
        int start = vector(ts.tables().size(), 4, i -> put(0, 4), false);
        for (int i = 0; i < ts.tables().size(); i++) {
            int slot = start + 4 + 4 * i;
            int child = table(ts.tables().get(i));
            putInt(slot, child - slot);
        }
        return start;
    }

    private int vector(int count, int align, java.util.function.IntConsumer element,
            boolean terminate) {
        align(Math.max(4, align), 4);
        int start = pos;
        put(count, 4);
        for (int i = 0; i < count; i++) {
            element.accept(i);
        }
        if (terminate) {
            put(0, 1);
        }
        return start;
    }
}

package io.flatline.ingest.registers;

/** Turns raw 16-bit register values into numbers. Pure functions: no I/O, no state. */
public final class Decoder {
    private Decoder() {
    }

    /**
     * The value's bits in big-endian order, right-aligned: the registers at {@code offset} reordered as
     * {@code order} says. Register values are taken as unsigned 16-bit (only the low 16 bits count).
     */
    public static long bits(int[] registers, int offset, DataType type, WordOrder order) {
        int n = type.registers();
        long bits = 0;
        for (int i = 0; i < n; i++) {
            int word = registers[offset + (order.wordSwap() ? n - 1 - i : i)] & 0xFFFF;
            if (order.byteSwap()) {
                word = ((word & 0xFF) << 8) | (word >>> 8);
            }
            bits = (bits << 16) | word;
        }
        return bits;
    }

    public static double toDouble(long bits, DataType type) {
        return switch (type) {
            case FLOAT32 -> Float.intBitsToFloat((int) bits);
            case FLOAT64 -> Double.longBitsToDouble(bits);
            case INT16, UINT16, INT32, UINT32, INT64 -> toLong(bits, type);
        };
    }

    /** An integer type's value; counters and CRCs must not pass through a double, which loses int64 bits. */
    public static long toLong(long bits, DataType type) {
        return switch (type) {
            case INT16 -> (short) bits;
            case UINT16 -> bits & 0xFFFFL;
            case INT32 -> (int) bits;
            case UINT32 -> bits & 0xFFFF_FFFFL;
            case INT64 -> bits;
            case FLOAT32, FLOAT64 -> throw new IllegalArgumentException(type + " is not an integer type");
        };
    }

    public static double decode(int[] registers, int offset, DataType type, WordOrder order) {
        return toDouble(bits(registers, offset, type, order), type);
    }

    /**
     * int8 values packed two per register. {@code highFirst}: the register's high byte holds the earlier value.
     * An odd {@code count} leaves the last register's second byte unused.
     */
    public static byte[] unpackInt8(int[] registers, int offset, int count, boolean highFirst) {
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            int word = registers[offset + i / 2];
            boolean high = (i % 2 == 0) == highFirst;
            out[i] = (byte) (high ? word >>> 8 : word);
        }
        return out;
    }
}

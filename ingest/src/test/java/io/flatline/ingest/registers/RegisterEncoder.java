package io.flatline.ingest.registers;

/** The inverse of {@link Decoder}, written independently from the wire layout, for round-trip tests. */
public final class RegisterEncoder {
    private RegisterEncoder() {
    }

    public static int[] encode(double value, DataType type, WordOrder order) {
        long bits = switch (type) {
            case INT16, UINT16, INT32, UINT32, INT64 -> (long) value;
            case FLOAT32 -> Float.floatToIntBits((float) value) & 0xFFFF_FFFFL;
            case FLOAT64 -> Double.doubleToLongBits(value);
        };
        int n = type.registers();
        byte[] bigEndian = new byte[n * 2];
        for (int i = 0; i < bigEndian.length; i++) {
            bigEndian[i] = (byte) (bits >>> (8 * (bigEndian.length - 1 - i)));
        }
        // Lay the bytes out as the order's letters say: A is the most significant byte.
        int[] registers = new int[n];
        for (int word = 0; word < n; word++) {
            int source = order.wordSwap() ? n - 1 - word : word;
            int hi = bigEndian[2 * source] & 0xFF;
            int lo = bigEndian[2 * source + 1] & 0xFF;
            registers[word] = order.byteSwap() ? (lo << 8) | hi : (hi << 8) | lo;
        }
        return registers;
    }
}

package io.flatline.ingest.registers;

/**
 * Byte and word order of a multi-register value, letters naming the bytes of the big-endian value as they
 * appear on the wire. For one-register types only the byte swap matters (ABCD and CDAB read AB; DCBA and BADC
 * read BA), and for 64-bit values the same swaps apply to all four words.
 */
public enum WordOrder {
    /** Big-endian: the Modbus convention. */
    ABCD(false, false),
    /** Words in order, bytes within each word swapped. */
    BADC(true, false),
    /** Bytes within words in order, words swapped ("word swap", common on PLCs). */
    CDAB(false, true),
    /** Little-endian. */
    DCBA(true, true);

    private final boolean byteSwap;
    private final boolean wordSwap;

    WordOrder(boolean byteSwap, boolean wordSwap) {
        this.byteSwap = byteSwap;
        this.wordSwap = wordSwap;
    }

    public boolean byteSwap() {
        return byteSwap;
    }

    public boolean wordSwap() {
        return wordSwap;
    }
}

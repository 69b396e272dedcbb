package io.flatline.ingest.registers;

/** {@code count} consecutive registers of one kind from a 0-based wire address. */
public record RegisterRange(RegisterKind kind, int start, int count) {
    /** The Modbus limit for one read of holding or input registers (function codes 3 and 4). */
    public static final int MAX_READ = 125;

    public RegisterRange {
        if (start < 0 || count < 1 || start + count > 0x10000) {
            throw new IllegalArgumentException("register range " + start + "+" + count + " outside 0..65535");
        }
    }

    public int end() {
        return start + count - 1;
    }

    public boolean contains(int address) {
        return address >= start && address <= end();
    }
}

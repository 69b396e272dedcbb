package io.flatline.ingest.registers;

/** The numeric types a run of 16-bit registers can hold, as named in Telegraf's and PLC4X's Modbus configs. */
public enum DataType {
    INT16(1), UINT16(1), INT32(2), UINT32(2), INT64(4), FLOAT32(2), FLOAT64(4);

    private final int registers;

    DataType(int registers) {
        this.registers = registers;
    }

    public int registers() {
        return registers;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT64;
    }
}

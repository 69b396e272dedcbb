package io.flatline.ingest.devicemap;

import io.flatline.ingest.registers.DataType;
import io.flatline.ingest.registers.RegisterKind;
import io.flatline.ingest.registers.RegisterRange;
import io.flatline.ingest.registers.WordOrder;

/** Where a value lives and how its registers are laid out; {@code address} is the 0-based wire address. */
public record RegisterRef(RegisterKind kind, int address, DataType type, WordOrder order) {
    public RegisterRange range() {
        return new RegisterRange(kind, address, type.registers());
    }
}

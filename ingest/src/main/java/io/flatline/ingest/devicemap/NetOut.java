package io.flatline.ingest.devicemap;

import io.flatline.ingest.registers.RegisterKind;
import io.flatline.ingest.registers.RegisterRange;

/** The board's raw int8 output vector: {@code count} values packed two per register. */
public record NetOut(RegisterKind kind, int address, int count, boolean highByteFirst) {
    public RegisterRange range() {
        return new RegisterRange(kind, address, (count + 1) / 2);
    }
}

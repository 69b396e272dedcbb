package io.flatline.ingest.registers;

/** The two register tables a read-only client reads; coils and discrete inputs carry no sensor values here. */
public enum RegisterKind {
    HOLDING, INPUT
}

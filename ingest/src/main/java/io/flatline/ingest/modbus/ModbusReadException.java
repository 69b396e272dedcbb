package io.flatline.ingest.modbus;

/** A read that produced no trustworthy registers: no connection, a timeout, an exception reply or garbage. */
public final class ModbusReadException extends Exception {
    public ModbusReadException(String message) {
        super(message);
    }

    public ModbusReadException(String message, Throwable cause) {
        super(message, cause);
    }
}

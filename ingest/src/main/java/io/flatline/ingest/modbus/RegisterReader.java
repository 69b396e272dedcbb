package io.flatline.ingest.modbus;

import io.flatline.ingest.registers.RegisterRange;

/**
 * A connection to one device that can only read registers. This is the whole surface ingest has towards a
 * plant device: there is no method that could carry a write, so no caller can issue one.
 */
public interface RegisterReader extends AutoCloseable {

    /**
     * The registers of {@code range}, connecting first if needed. After a failure the connection is closed, so
     * a late or garbled reply can never be taken for the answer to a later request.
     */
    int[] read(RegisterRange range) throws ModbusReadException;

    /** Closes the connection, if any; the next read reconnects. Unblocks a read in progress. */
    @Override
    void close();
}

package io.flatline.ingest.poll;

import io.flatline.schemas.BoardInference;
import io.flatline.schemas.SensorReading;

/**
 * Where polls go. A sink may block to push back on polling (a full producer buffer); it must not drop a record
 * without saying so.
 */
public interface ReadingSink {
    void publish(SensorReading reading);

    void publish(BoardInference inference);
}

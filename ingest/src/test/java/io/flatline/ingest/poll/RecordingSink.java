package io.flatline.ingest.poll;

import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Keeps what the pollers publish, for tests. */
public final class RecordingSink implements ReadingSink {
    private final ConcurrentLinkedQueue<SensorReading> readings = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<BoardInference> inferences = new ConcurrentLinkedQueue<>();

    @Override
    public void publish(SensorReading reading) {
        readings.add(reading);
    }

    @Override
    public void publish(BoardInference inference) {
        inferences.add(inference);
    }

    public List<SensorReading> readings(String deviceId) {
        return readings.stream().filter(r -> r.getDeviceId().equals(deviceId)).toList();
    }

    public long count(String deviceId, Quality quality) {
        return readings.stream().filter(r -> r.getDeviceId().equals(deviceId) && r.getQuality() == quality).count();
    }

    public List<BoardInference> inferences(String deviceId) {
        return inferences.stream().filter(r -> r.getDeviceId().equals(deviceId)).toList();
    }
}

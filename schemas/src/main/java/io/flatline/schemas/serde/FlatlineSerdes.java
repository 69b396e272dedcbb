package io.flatline.schemas.serde;

import io.flatline.schemas.Alert;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.SensorReading;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The serdes of Flatline's records, one per generated record class.
 */
public final class FlatlineSerdes {

    private FlatlineSerdes() {
    }

    /** The single-object serde of any of Flatline's generated record classes. */
    public static <T extends SpecificRecord> Serde<T> forClass(Class<T> type) {
        return new SingleObjectSerde<>(type);
    }

    public static Serde<SensorReading> sensorReading() {
        return forClass(SensorReading.class);
    }

    public static Serde<BoardInference> boardInference() {
        return forClass(BoardInference.class);
    }

    public static Serde<Prediction> prediction() {
        return forClass(Prediction.class);
    }

    public static Serde<BoardComparison> boardComparison() {
        return forClass(BoardComparison.class);
    }

    public static Serde<Alert> alert() {
        return forClass(Alert.class);
    }

    public static Serde<DeviceHealth> deviceHealth() {
        return forClass(DeviceHealth.class);
    }
}

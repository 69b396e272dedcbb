package io.flatline.schemas.topic;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.flatline.schemas.Alert;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.serde.ValueSerdeFactory;
import io.flatline.schemas.serde.WireFormat;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The registry of Flatline's topics, configured once and shared by every module. Keys are device ids as UTF-8
 * strings, so every record of a device lands in one partition. A name is overridden with the property
 * {@code flatline.topic.<id>} (for example {@code flatline.topic.sensor-readings=plant7.readings}); the value
 * serdes follow {@code flatline.serde.format} (see {@link WireFormat}: Avro single-object encoding by default,
 * or the Confluent wire format with {@code schema.registry.url}), or come from a class of the deployment's own
 * named by {@code flatline.serde.factory}.
 */
public final class Topics {

    public static final String TOPIC_PREFIX = "flatline.topic.";
    public static final String SERDE_FACTORY = "flatline.serde.factory";

    private final Topic<String, SensorReading> sensorReadings;
    private final Topic<String, BoardInference> boardInferences;
    private final Topic<String, Prediction> predictions;
    private final Topic<String, BoardComparison> boardComparisons;
    private final Topic<String, Alert> alerts;
    private final Topic<String, DeviceHealth> deviceHealth;

    private Topics(Map<String, ?> config) {
        ValueSerdeFactory serdes = serdeFactory(config);
        sensorReadings = topic(config, serdes, "sensor-readings", SensorReading.class, false);
        boardInferences = topic(config, serdes, "board-inferences", BoardInference.class, false);
        predictions = topic(config, serdes, "predictions", Prediction.class, false);
        boardComparisons = topic(config, serdes, "board-comparisons", BoardComparison.class, false);
        alerts = topic(config, serdes, "alerts", Alert.class, false);
        deviceHealth = topic(config, serdes, "device-health", DeviceHealth.class, true);
    }

    /** The registry with every name at its default. */
    public static Topics defaults() {
        return new Topics(Map.of());
    }

    /**
     * The registry as configured: {@code flatline.topic.*} names, {@code flatline.serde.format} or
     * {@code flatline.serde.factory}, and the schema registry's properties ({@code schema.registry.url}, ...);
     * other properties are passed to the serde factory and otherwise ignored. With a schema registry configured,
     * this checks that it answers.
     */
    public static Topics fromConfig(Map<String, ?> config) {
        Set<String> ids = new TreeSet<>(ids());
        for (String key : config.keySet()) {
            if (key.startsWith(TOPIC_PREFIX) && !ids.contains(key.substring(TOPIC_PREFIX.length()))) {
                throw new ConfigException(key, config.get(key), "no Flatline topic has the id '"
                        + key.substring(TOPIC_PREFIX.length()) + "'; the ids are " + String.join(", ", ids));
            }
        }
        return new Topics(config);
    }

    /** The configuration ids of the topics, in pipeline order. */
    public static List<String> ids() {
        return List.of("sensor-readings", "board-inferences", "predictions", "board-comparisons", "alerts",
                "device-health");
    }

    public Topic<String, SensorReading> sensorReadings() {
        return sensorReadings;
    }

    public Topic<String, BoardInference> boardInferences() {
        return boardInferences;
    }

    public Topic<String, Prediction> predictions() {
        return predictions;
    }

    public Topic<String, BoardComparison> boardComparisons() {
        return boardComparisons;
    }

    public Topic<String, Alert> alerts() {
        return alerts;
    }

    public Topic<String, DeviceHealth> deviceHealth() {
        return deviceHealth;
    }

    /** Every topic, in pipeline order. */
    public List<Topic<String, ?>> all() {
        return List.of(sensorReadings, boardInferences, predictions, boardComparisons, alerts, deviceHealth);
    }

    private static <V extends SpecificRecord> Topic<String, V> topic(Map<String, ?> config, ValueSerdeFactory serdes,
                                                                     String id, Class<V> type, boolean compacted) {
        Object name = config.get(TOPIC_PREFIX + id);
        String resolved = name == null ? "flatline." + id : name.toString().strip();
        if (!resolved.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new ConfigException(TOPIC_PREFIX + id, name,
                    "a Kafka topic name is 1 to 249 characters of letters, digits, '.', '_' and '-'");
        }
        return new Topic<>(id, resolved, Serdes.String(), serdes.serdeFor(type, config), compacted);
    }

    private static ValueSerdeFactory serdeFactory(Map<String, ?> config) {
        Object name = config.get(SERDE_FACTORY);
        if (name == null) {
            return WireFormat.factoryFor(config);
        }
        if (config.containsKey(WireFormat.PROPERTY)) {
            throw new ConfigException(SERDE_FACTORY, name, "set either " + SERDE_FACTORY + " or "
                    + WireFormat.PROPERTY + ", not both");
        }
        try {
            Object factory = Class.forName(name.toString().strip()).getDeclaredConstructor().newInstance();
            if (!(factory instanceof ValueSerdeFactory)) {
                throw new ConfigException(SERDE_FACTORY, name, "the class does not implement "
                        + ValueSerdeFactory.class.getName());
            }
            return (ValueSerdeFactory) factory;
        } catch (ClassNotFoundException e) {
            throw new ConfigException(SERDE_FACTORY, name, "no such class on the classpath");
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            throw new ConfigException(SERDE_FACTORY, name, "cannot be created with a public no-argument constructor: "
                    + cause);
        }
    }
}

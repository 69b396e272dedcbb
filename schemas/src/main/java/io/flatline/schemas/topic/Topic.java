package io.flatline.schemas.topic;

import io.flatline.schemas.serde.SchemaRegistering;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One of Flatline's topics: its name and the serdes of its keys and values.
 *
 * @param id        the stable identifier of the topic in configuration ({@code sensor-readings}, ...)
 * @param name      the topic's name on the cluster
 * @param compacted whether the topic keeps only the latest record per key
 */
public record Topic<K, V>(String id, String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted) {

    public Serializer<K> keySerializer() {
        return keySerde.serializer();
    }

    public Serializer<V> valueSerializer() {
        return valueSerde.serializer();
    }

    public Deserializer<K> keyDeserializer() {
        return keySerde.deserializer();
    }

    public Deserializer<V> valueDeserializer() {
        return valueSerde.deserializer();
    }

    /**
     * Registers the value schema with the schema registry where the wire format has one, and does nothing
     * otherwise. A service calls it at start for each topic it writes.
     *
     * @throws io.flatline.schemas.registry.SchemaRegistryException when the registry cannot be reached or
     *                                                              refuses the schema as incompatible
     */
    public void registerValueSchema() {
        if (valueSerde instanceof SchemaRegistering registering) {
            registering.registerSchemaFor(name);
        }
    }
}

package io.flatline.schemas.serde;

import java.util.Map;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde that is its own serializer and deserializer, configured when it is made (from Flatline's properties,
 * see {@link WireFormat}) rather than by Kafka's {@code configure}. What it holds is shared, so closing one
 * releases nothing.
 */
abstract class SelfContainedSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    @Override
    public final Serializer<T> serializer() {
        return this;
    }

    @Override
    public final Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public final void configure(Map<String, ?> configs, boolean isKey) {
        // Configured when made.
    }

    @Override
    public final void close() {
        // Holds nothing of its own to release.
    }
}

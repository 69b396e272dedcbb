package io.flatline.schemas.serde;

/**
 * A value serde that registers its schema with a schema registry before it writes a topic. Services call it
 * at start, through {@link io.flatline.schemas.topic.Topic#registerValueSchema()}, so that an unreachable
 * registry or an incompatible schema stops them before their first record rather than fail every record.
 */
public interface SchemaRegistering {

    /** Registers the schema of the topic's values; throws with a clear message when that cannot be done. */
    void registerSchemaFor(String topic);
}

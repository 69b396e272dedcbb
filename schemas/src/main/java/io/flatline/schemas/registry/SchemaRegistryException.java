package io.flatline.schemas.registry;

import org.apache.kafka.common.KafkaException;

/**
 * The schema registry could not be reached, or refused or could not answer a call; the message says which. A
 * {@link KafkaException}, so that a service's start reports it as it reports a broker it cannot reach.
 */
public class SchemaRegistryException extends KafkaException {

    public SchemaRegistryException(String message) {
        super(message);
    }
}

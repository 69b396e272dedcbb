package io.flatline.schemas.registry;

/** The schema registry could not be reached, or refused or could not answer a call; the message says which. */
public class SchemaRegistryException extends RuntimeException {

    public SchemaRegistryException(String message) {
        super(message);
    }
}

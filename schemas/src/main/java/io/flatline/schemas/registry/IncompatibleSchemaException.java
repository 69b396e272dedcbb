package io.flatline.schemas.registry;

/** The registry refused a schema because it breaks the subject's compatibility with what is registered. */
public final class IncompatibleSchemaException extends SchemaRegistryException {

    public IncompatibleSchemaException(String message) {
        super(message);
    }
}

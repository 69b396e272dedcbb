package io.flatline.model.tflite;

/**
 * The bytes are not a readable TFLite model: truncated, corrupted, or outside the limits the engine
 * accepts. The message names what was being read, so a user can tell a bad file from a bad engine.
 */
public final class ModelFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }
}

package io.flatline.ingest.devicemap;

import java.nio.file.Path;

/** One mistake in a device map, located for the person who has to fix it. */
public record Problem(Path file, int line, String field, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + field + ": " + message;
    }
}

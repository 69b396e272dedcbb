package io.flatline.streams.topology;

import java.io.IOException;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * JSON for the application's internal state stores. Their values are records private to Flatline that change
 * with the code; JSON keeps their changelogs readable and lets fields be added without a schema history.
 */
public final class JsonSerde {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private JsonSerde() {
    }

    public static <T> Serde<T> of(Class<T> type) {
        return Serdes.serdeFrom(
                (topic, value) -> {
                    if (value == null) {
                        return null;
                    }
                    try {
                        return MAPPER.writeValueAsBytes(value);
                    } catch (IOException e) {
                        throw new SerializationException("Cannot write " + type.getSimpleName() + " state: "
                                + e.getMessage(), e);
                    }
                },
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    try {
                        return MAPPER.readValue(bytes, type);
                    } catch (IOException e) {
                        throw new SerializationException("Cannot read " + type.getSimpleName() + " state: "
                                + e.getMessage(), e);
                    }
                });
    }
}

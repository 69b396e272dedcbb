package io.flatline.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSource;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Diagnosis;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for one generated record class in Avro's single-object encoding: the marker {@code C3 01},
 * the writer schema's 8-byte little-endian CRC-64-AVRO fingerprint, then the binary datum. Any Avro library
 * can decode it from the {@code .avsc} files alone, and no schema registry is needed.
 *
 * <p>The reader knows the current schema and every published version of the record (see
 * {@link SchemaHistory}), and resolves older data by Avro's rules. Bytes that are not this encoding, or that
 * carry a fingerprint no Flatline version ever published, fail with a {@link SerializationException} that
 * says which, and nothing of Avro's internals.
 */
public final class SingleObjectSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    static final int HEADER_LENGTH = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;

    // Avro 1.12 refuses to instantiate generated classes that are not allow-listed; users should not have to
    // set org.apache.avro.SERIALIZABLE_CLASSES to read Flatline's topics, so every serde trusts them first.
    static {
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                ClassSecurityValidator.getGlobal(),
                ClassSecurityValidator.builder()
                        .add(SensorReading.class).add(Quality.class)
                        .add(BoardInference.class)
                        .add(Prediction.class)
                        .add(BoardComparison.class)
                        .add(Alert.class).add(AlertKind.class).add(AlertState.class).add(AlertSource.class)
                        .add(Diagnosis.class)
                        .add(DeviceHealth.class)
                        .build()));
    }

    private final Class<T> type;
    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final Set<Long> known;

    SingleObjectSerde(Class<T> type) {
        this(type, null);
    }

    /** A serde whose reader also knows the given older versions (null: the published history). */
    SingleObjectSerde(Class<T> type, List<Schema> history) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        List<Schema> versions = history == null ? SchemaHistory.versionsOf(schema.getFullName()) : history;
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        versions.forEach(decoder::addSchema);
        this.known = new LinkedHashSet<>();
        known.add(SchemaNormalization.parsingFingerprint64(schema));
        versions.forEach(v -> known.add(SchemaNormalization.parsingFingerprint64(v)));
    }

    public Schema schema() {
        return schema;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer buffer = encoder.encode(data);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot encode a " + type.getSimpleName() + " for topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        checkHeader(topic, data);
        try {
            return decoder.decode(data);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(where(topic) + "is a broken " + type.getSimpleName()
                    + " datum (" + data.length + " bytes; " + rootMessage(e) + ")", e);
        }
    }

    private void checkHeader(String topic, byte[] data) {
        if (data.length < HEADER_LENGTH || data[0] != MARKER_0 || data[1] != MARKER_1) {
            throw new SerializationException(where(topic) + "is not Avro single-object encoding (expected the marker"
                    + " C3 01 and an 8-byte schema fingerprint, got " + data.length + " bytes starting "
                    + preview(data) + ")");
        }
        long fingerprint = ByteBuffer.wrap(data, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        if (!known.contains(fingerprint)) {
            throw new SerializationException(where(topic) + "was written with a schema this reader does not know"
                    + " (fingerprint " + hex(fingerprint) + "); it reads " + schema.getFullName() + " written with "
                    + known.stream().map(SingleObjectSerde::hex).collect(Collectors.joining(", "))
                    + ". Upgrade this consumer, or check that the topic carries " + type.getSimpleName() + " records.");
        }
    }

    private String where(String topic) {
        return "A " + type.getSimpleName() + " record" + (topic == null ? " " : " on topic " + topic + " ");
    }

    private static String hex(long fingerprint) {
        return "0x" + HexFormat.of().toHexDigits(fingerprint);
    }

    private static String preview(byte[] data) {
        int n = Math.min(data.length, 8);
        return n == 0 ? "(empty)" : HexFormat.ofDelimiter(" ").formatHex(data, 0, n) + (data.length > n ? " ..." : "");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the schema travels in the class, the fingerprint in every record.
    }

    @Override
    public void close() {
        // Holds no resources.
    }
}

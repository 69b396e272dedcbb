package io.flatline.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSeverity;
import io.flatline.schemas.AlertSource;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.OpenEpisode;
import io.flatline.schemas.Diagnosis;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
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
                        .add(AlertSeverity.class)
                        .add(Diagnosis.class)
                        .add(DeviceHealth.class).add(OpenEpisode.class)
                        .build()));
    }

    private final Class<T> type;
    private final Schema schema;
    private final byte[] header;
    private final SpecificDatumWriter<T> writer;
    /** A reader per known writer schema, by fingerprint: the current one, then the older versions. */
    private final Map<Long, SpecificDatumReader<T>> readers;
    private final long fingerprint;
    /** The record's hand-written codec while it matches the schema (see {@link HandCodec}), else null. */
    private final HandCodec<T> codec;

    SingleObjectSerde(Class<T> type) {
        this(type, null);
    }

    /** A serde whose reader also knows the given older versions (null: the published history). */
    SingleObjectSerde(Class<T> type, List<Schema> history) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN).put(MARKER_0).put(MARKER_1)
                .putLong(fingerprint).array();
        this.writer = new SpecificDatumWriter<>(schema, model);
        HandCodec<T> written = handCodecOf(type);
        this.codec = written != null && written.schemaFingerprint() == fingerprint ? written : null;
        this.readers = new LinkedHashMap<>();
        readers.put(fingerprint, new SpecificDatumReader<>(schema, schema, model));
        for (Schema version : history == null ? SchemaHistory.versionsOf(schema.getFullName()) : history) {
            readers.putIfAbsent(SchemaNormalization.parsingFingerprint64(version),
                    new SpecificDatumReader<>(version, schema, model));
        }
    }

    public Schema schema() {
        return schema;
    }

    @SuppressWarnings("unchecked")
    static <T> HandCodec<T> handCodecOf(Class<T> type) {
        if (type == SensorReading.class) {
            return (HandCodec<T>) new SensorReadingCodec();
        }
        if (type == Prediction.class) {
            return (HandCodec<T>) new PredictionCodec();
        }
        if (type == BoardInference.class) {
            return (HandCodec<T>) new BoardInferenceCodec();
        }
        if (type == BoardComparison.class) {
            return (HandCodec<T>) new BoardComparisonCodec();
        }
        return null;
    }

    /** Whether this serde encodes and decodes its current schema by hand (see {@link HandCodec}). */
    boolean handCoded() {
        return codec != null;
    }

    /**
     * By hand where the record has a codec ({@link HandCodec}). Otherwise through a buffered encoder into a
     * per-thread stream: Avro's own single-object encoder writes through a direct (unbuffered) binary encoder and
     * copies the result twice, twice the cost. The bytes are the same.
     */
    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (codec != null) {
            try {
                return codec.encode(header, data);
            } catch (RuntimeException e) {
                throw new SerializationException("Cannot encode a " + type.getSimpleName() + " for topic " + topic
                        + ": " + e, e);
            }
        }
        Encoding encoding = ENCODING.get();
        try {
            encoding.out.reset();
            encoding.out.write(header);
            writer.write(data, encoding.encoder);
            encoding.encoder.flush();
            return encoding.out.toByteArray();
        } catch (IOException | RuntimeException e) {
            // A write that failed half-way leaves bytes in the encoder's buffer, which would be flushed into
            // the next record: this thread starts over with fresh buffers.
            ENCODING.remove();
            throw new SerializationException("Cannot encode a " + type.getSimpleName() + " for topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the datum straight from the array: by hand when it has the current schema and the record has a
     * codec, else resolved from the schema its fingerprint names.
     */
    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        long written = fingerprintOf(topic, data);
        boolean byHand = codec != null && written == fingerprint;
        SpecificDatumReader<T> reader = byHand ? null : readerFor(topic, written);
        try {
            return byHand ? codec.decode(data, HEADER_LENGTH) : reader.read(null,
                    DecoderFactory.get().binaryDecoder(data, HEADER_LENGTH, data.length - HEADER_LENGTH, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(where(topic) + "is a broken " + type.getSimpleName()
                    + " datum (" + data.length + " bytes; " + rootMessage(e) + ")", e);
        }
    }

    private long fingerprintOf(String topic, byte[] data) {
        if (data.length < HEADER_LENGTH || data[0] != MARKER_0 || data[1] != MARKER_1) {
            throw new SerializationException(where(topic) + "is not Avro single-object encoding (expected the marker"
                    + " C3 01 and an 8-byte schema fingerprint, got " + data.length + " bytes starting "
                    + preview(data) + ")");
        }
        return ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private SpecificDatumReader<T> readerFor(String topic, long fingerprint) {
        SpecificDatumReader<T> reader = readers.get(fingerprint);
        if (reader == null) {
            throw new SerializationException(where(topic) + "was written with a schema this reader does not know"
                    + " (fingerprint " + hex(fingerprint) + "); it reads " + schema.getFullName() + " written with "
                    + readers.keySet().stream().map(SingleObjectSerde::hex).collect(Collectors.joining(", "))
                    + ". Upgrade this consumer, or check that the topic carries " + type.getSimpleName() + " records.");
        }
        return reader;
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

    /** A thread's reusable output: serializers are shared by every stream thread of an application. */
    private static final class Encoding {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    }

    private static final ThreadLocal<Encoding> ENCODING = ThreadLocal.withInitial(Encoding::new);

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

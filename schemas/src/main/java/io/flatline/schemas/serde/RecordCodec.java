package io.flatline.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSeverity;
import io.flatline.schemas.AlertSource;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Diagnosis;
import io.flatline.schemas.OpenEpisode;
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

/**
 * The datum half of a Flatline serde, whatever header precedes it: one generated record class written with its
 * current schema, by hand where the record has a {@link HandCodec}, and read from any writer schema by Avro's
 * resolution rules. The wire formats ({@link SingleObjectSerde}, {@link ConfluentSerde}) differ only in the
 * header and in how it names the writer schema.
 */
final class RecordCodec<T extends SpecificRecord> {

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
    private final SpecificData model;
    private final Schema schema;
    private final long fingerprint;
    private final SpecificDatumWriter<T> writer;
    /** The record's hand-written codec while it matches the schema (see {@link HandCodec}), else null. */
    private final HandCodec<T> codec;

    RecordCodec(Class<T> type) {
        this.type = type;
        this.model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.writer = new SpecificDatumWriter<>(schema, model);
        HandCodec<T> written = handCodecOf(type);
        this.codec = written != null && written.schemaFingerprint() == fingerprint ? written : null;
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

    Schema schema() {
        return schema;
    }

    /** The parsing fingerprint (CRC-64-AVRO) of the current schema. */
    long fingerprint() {
        return fingerprint;
    }

    boolean handCoded() {
        return codec != null;
    }

    /** A reader of data written with {@code writerSchema}, resolved to the current schema. */
    Reader<T> readerOf(Schema writerSchema) {
        boolean current = SchemaNormalization.parsingFingerprint64(writerSchema) == fingerprint;
        return new Reader<>(current && codec != null ? codec : null,
                new SpecificDatumReader<>(writerSchema, schema, model));
    }

    /**
     * {@code header} then the datum. By hand where the record has a codec. Otherwise through a buffered encoder
     * into a per-thread stream: Avro's own single-object encoder writes through a direct (unbuffered) binary
     * encoder and copies the result twice, twice the cost. The bytes are the same.
     */
    byte[] encode(String topic, byte[] header, T data) {
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

    /** The datum at {@code offset}, read straight from the array. */
    T decode(String topic, byte[] data, int offset, Reader<T> reader) {
        try {
            return reader.byHand != null ? reader.byHand.decode(data, offset) : reader.avro.read(null,
                    DecoderFactory.get().binaryDecoder(data, offset, data.length - offset, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(where(topic) + "is a broken " + type.getSimpleName()
                    + " datum (" + data.length + " bytes; " + rootMessage(e) + ")", e);
        }
    }

    /** "A SensorReading record on topic t ": how every error about a record starts. */
    String where(String topic) {
        return "A " + type.getSimpleName() + " record" + (topic == null ? " " : " on topic " + topic + " ");
    }

    String typeName() {
        return type.getSimpleName();
    }

    static String preview(byte[] data) {
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

    /** How data of one writer schema is read: by hand when it is the current schema and a codec exists. */
    static final class Reader<T> {
        private final HandCodec<T> byHand;
        private final SpecificDatumReader<T> avro;

        private Reader(HandCodec<T> byHand, SpecificDatumReader<T> avro) {
            this.byHand = byHand;
            this.avro = avro;
        }
    }

    /** A thread's reusable output: serializers are shared by every stream thread of an application. */
    private static final class Encoding {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    }

    private static final ThreadLocal<Encoding> ENCODING = ThreadLocal.withInitial(Encoding::new);
}

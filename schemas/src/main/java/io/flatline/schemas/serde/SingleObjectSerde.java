package io.flatline.schemas.serde;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.flatline.schemas.registry.RegistrySettings;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

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
public final class SingleObjectSerde<T extends SpecificRecord> extends SelfContainedSerde<T> {

    static final int HEADER_LENGTH = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;

    private final RecordCodec<T> codec;
    private final byte[] header;
    /** A reader per known writer schema, by fingerprint: the current one, then the older versions. */
    private final Map<Long, RecordCodec.Reader<T>> readers;

    SingleObjectSerde(Class<T> type) {
        this(type, null);
    }

    /** A serde whose reader also knows the given older versions (null: the published history). */
    SingleObjectSerde(Class<T> type, List<Schema> history) {
        this.codec = new RecordCodec<>(type);
        Schema schema = codec.schema();
        this.header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN).put(MARKER_0).put(MARKER_1)
                .putLong(codec.fingerprint()).array();
        this.readers = new LinkedHashMap<>();
        readers.put(codec.fingerprint(), codec.readerOf(schema));
        for (Schema version : history == null ? SchemaHistory.versionsOf(schema.getFullName()) : history) {
            readers.putIfAbsent(SchemaNormalization.parsingFingerprint64(version), codec.readerOf(version));
        }
    }

    public Schema schema() {
        return codec.schema();
    }

    /** Whether this serde encodes and decodes its current schema by hand (see {@link HandCodec}). */
    boolean handCoded() {
        return codec.handCoded();
    }

    /** Whether the bytes start with the single-object marker. */
    static boolean isSingleObject(byte[] data) {
        return data.length >= 2 && data[0] == MARKER_0 && data[1] == MARKER_1;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : codec.encode(topic, header, data);
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
        return codec.decode(topic, data, HEADER_LENGTH, readerFor(topic, fingerprintOf(topic, data)));
    }

    private long fingerprintOf(String topic, byte[] data) {
        if (data.length < HEADER_LENGTH || !isSingleObject(data)) {
            throw new SerializationException(codec.where(topic) + "is not Avro single-object encoding (expected the"
                    + " marker C3 01 and an 8-byte schema fingerprint, got " + data.length + " bytes starting "
                    + RecordCodec.preview(data) + ")" + (ConfluentSerde.isConfluent(data) ? "; it looks like the"
                    + " Confluent wire format (byte 0 is 00, then a 4-byte schema id): set "
                    + RegistrySettings.URL + " to read it" : ""));
        }
        return ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private RecordCodec.Reader<T> readerFor(String topic, long fingerprint) {
        RecordCodec.Reader<T> reader = readers.get(fingerprint);
        if (reader == null) {
            throw new SerializationException(codec.where(topic) + "was written with a schema this reader does not"
                    + " know (fingerprint " + hex(fingerprint) + "); it reads " + codec.schema().getFullName()
                    + " written with " + readers.keySet().stream().map(SingleObjectSerde::hex)
                    .collect(Collectors.joining(", ")) + ". Upgrade this consumer, or check that the topic carries "
                    + codec.typeName() + " records.");
        }
        return reader;
    }

    private static String hex(long fingerprint) {
        return "0x" + HexFormat.of().toHexDigits(fingerprint);
    }
}

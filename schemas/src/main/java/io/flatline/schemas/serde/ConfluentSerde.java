package io.flatline.schemas.serde;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flatline.schemas.registry.SchemaRegistryClient;
import io.flatline.schemas.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A Kafka serde for one generated record class with a schema registry: it writes the Confluent wire format
 * (byte 0 is 0, bytes 1-4 the schema's id in the registry, big-endian, then the Avro binary datum), or Avro's
 * single-object encoding when the deployment still writes that, and reads both, so a topic that holds both
 * during a migration reads whole.
 *
 * <p>The schema is registered under the topic-name strategy's subject {@code <topic>-value}, once per topic,
 * and a writer schema is fetched once per id: both are kept for the serde's life, so records go on being
 * written and read while the registry is down, except records with an id never seen before.
 */
final class ConfluentSerde<T extends SpecificRecord>
        extends SelfContainedSerde<T> implements SchemaRegistering {

    static final int HEADER_LENGTH = 5;
    private static final byte MAGIC = 0;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordCodec<T> codec;
    private final SingleObjectSerde<T> singleObject;
    private final SchemaRegistryClient registry;
    private final boolean writesConfluent;
    /** The header of each topic written: the magic byte and the id of the current schema under its subject. */
    private final ConcurrentMap<String, byte[]> headers = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, RecordCodec.Reader<T>> readers = new ConcurrentHashMap<>();

    ConfluentSerde(Class<T> type, SchemaRegistryClient registry, boolean writesConfluent) {
        this.codec = new RecordCodec<>(type);
        this.singleObject = new SingleObjectSerde<>(type);
        this.registry = registry;
        this.writesConfluent = writesConfluent;
    }

    /** Whether the bytes could be the Confluent wire format: the magic byte and room for an id. */
    static boolean isConfluent(byte[] data) {
        return data.length >= HEADER_LENGTH && data[0] == MAGIC;
    }

    /** The subject of a topic's values under the topic-name strategy. */
    static String subjectOf(String topic) {
        return topic + "-value";
    }

    /**
     * Registers the current schema for the topic, unless this serde writes single-object encoding.
     *
     * @throws SchemaRegistryException when the registry cannot be reached or refuses the schema
     */
    @Override
    public void registerSchemaFor(String topic) {
        if (writesConfluent) {
            headerOf(topic);
        }
    }

    private byte[] headerOf(String topic) {
        return headers.computeIfAbsent(topic, t -> {
            int id = registry.register(subjectOf(t), published(codec.schema()));
            // Whoever reads what this serde wrote needs no call to the registry.
            readers.putIfAbsent(id, codec.readerOf(codec.schema()));
            return ByteBuffer.allocate(HEADER_LENGTH).put(MAGIC).putInt(id).array();
        });
    }

    /**
     * The schema as its {@code .avsc} file has it: without the {@code avro.java.string} properties the code
     * generator adds, which mean nothing to consumers in other languages. Avro reads both the same.
     */
    static Schema published(Schema generated) {
        try {
            JsonNode tree = JSON.readTree(generated.toString());
            removeJavaProperties(tree);
            return new Schema.Parser().parse(JSON.writeValueAsString(tree));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Avro wrote a schema that is not JSON: " + e.getMessage(), e);
        }
    }

    private static void removeJavaProperties(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("avro.java.string");
        }
        node.forEach(ConfluentSerde::removeJavaProperties);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (!writesConfluent) {
            return singleObject.serialize(topic, data);
        }
        byte[] header;
        try {
            header = headerOf(topic);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot write a " + codec.typeName() + " to topic " + topic + ": "
                    + e.getMessage(), e);
        }
        return codec.encode(topic, header, data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (SingleObjectSerde.isSingleObject(data)) {
            return singleObject.deserialize(topic, data);
        }
        if (!isConfluent(data)) {
            throw new SerializationException(codec.where(topic) + "is neither in the Confluent wire format (byte 0"
                    + " is 00, then a 4-byte schema id) nor in Avro's single-object encoding (marker C3 01): "
                    + data.length + " bytes starting " + RecordCodec.preview(data));
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
        return codec.decode(topic, data, HEADER_LENGTH, readerOf(topic, id));
    }

    private RecordCodec.Reader<T> readerOf(String topic, int id) {
        RecordCodec.Reader<T> known = readers.get(id);
        if (known != null) {
            return known;
        }
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            throw new SerializationException(codec.where(topic) + "names schema id " + id + ", which this reader"
                    + " has not seen before and cannot fetch: " + e.getMessage(), e);
        }
        if (!writer.getFullName().equals(codec.schema().getFullName())) {
            throw new SerializationException(codec.where(topic) + "holds a " + writer.getFullName() + " (schema id "
                    + id + "), not a " + codec.schema().getFullName() + ": check that the topic carries "
                    + codec.typeName() + " records.");
        }
        return readers.computeIfAbsent(id, i -> codec.readerOf(writer));
    }
}

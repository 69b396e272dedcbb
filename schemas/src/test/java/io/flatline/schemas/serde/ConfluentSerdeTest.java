package io.flatline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.SampleRecords;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.registry.ApicurioRegistry;
import io.flatline.schemas.registry.IncompatibleSchemaException;
import io.flatline.schemas.registry.RegistrySettings;
import io.flatline.schemas.registry.SchemaRegistryException;
import io.flatline.schemas.registry.SchemaRegistryExtension;
import io.flatline.schemas.registry.TcpRelay;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The Confluent wire format against a real Apicurio Registry: what is registered, what is written, what reads. */
@ExtendWith(SchemaRegistryExtension.class)
class ConfluentSerdeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static List<SpecificRecord> records() {
        return SampleRecords.oneOfEach("press-07");
    }

    @ParameterizedTest
    @MethodSource("records")
    @SuppressWarnings("unchecked")
    <T extends SpecificRecord> void writesMagicByteAndTheIdRegisteredUnderTheTopicsSubject(T record,
            ApicurioRegistry registry) throws Exception {
        String topic = unique("t");
        Serde<T> serde = serde((Class<T>) record.getClass(), registry.confluentProperties());

        byte[] bytes = serde.serializer().serialize(topic, record);

        JsonNode latest = JSON.readTree(body(registry.get("/subjects/" + topic + "-value/versions/latest")));
        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(latest.get("id").asInt());
        // What is registered is the published .avsc, which the generated class's schema reads the same.
        Schema fromFile = new Schema.Parser().parse(getClass().getResourceAsStream(
                "/avro/" + record.getSchema().getName() + ".avsc"));
        assertThat(new Schema.Parser().parse(latest.get("schema").asText())).isEqualTo(fromFile);
        assertThat(latest.get("schema").asText()).doesNotContain("avro.java");
        assertThat(registry.get("/config/" + topic + "-value")).contains("BACKWARD");
        assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(record);
        // Another instance, knowing nothing yet, reads it through the registry.
        assertThat(serde((Class<T>) record.getClass(), registry.confluentProperties()).deserializer()
                .deserialize(topic, bytes)).isEqualTo(record);
    }

    @Test
    void readsBothFormatsAndTheSingleObjectReaderSaysWhatItCannotRead(ApicurioRegistry registry) {
        String topic = unique("mixed");
        SensorReading first = SampleRecords.sensorReading("press-01", 1);
        SensorReading second = SampleRecords.sensorReading("press-01", 2);
        byte[] singleObject = FlatlineSerdes.sensorReading().serializer().serialize(topic, first);
        byte[] confluent = serde(SensorReading.class, registry.confluentProperties()).serializer().serialize(topic, second);
        Map<String, String> readsBoth = Map.of(RegistrySettings.URL, registry.url());

        Serde<SensorReading> reader = serde(SensorReading.class, readsBoth);
        assertThat(reader.deserializer().deserialize(topic, singleObject)).isEqualTo(first);
        assertThat(reader.deserializer().deserialize(topic, confluent)).isEqualTo(second);
        // Without a registry URL the format is still told apart, and the fix named.
        assertThatThrownBy(() -> FlatlineSerdes.sensorReading().deserializer().deserialize(topic, confluent))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Confluent wire format").hasMessageContaining(RegistrySettings.URL);
        // Single-object writers with a registry configured still write single-object encoding.
        assertThat(reader.serializer().serialize(topic, first)).isEqualTo(singleObject);
    }

    @Test
    void anEvolutionIsAcceptedAndDataOfTheOlderVersionIsReadByItsId(ApicurioRegistry registry) throws Exception {
        String topic = unique("health");
        Schema v1 = SchemaHistory.versionsOf(DeviceHealth.getClassSchema().getFullName()).get(0);
        int v1Id = registry.client().register(topic + "-value", v1);
        byte[] writtenByV1 = confluentBytes(v1Id, v1, v1Record(v1));

        Serde<DeviceHealth> current = serde(DeviceHealth.class, registry.confluentProperties());
        byte[] writtenNow = current.serializer().serialize(topic, SampleRecords.deviceHealth("press-07"));

        assertThat(ByteBuffer.wrap(writtenNow, 1, 4).getInt()).isNotEqualTo(v1Id);
        assertThat(body(registry.get("/subjects/" + topic + "-value/versions"))).isEqualTo("[1,2]");
        DeviceHealth old = current.deserializer().deserialize(topic, writtenByV1);
        assertThat(old.getDeviceId()).isEqualTo("press-07");
        assertThat(old.getEpisodes()).isEmpty();
    }

    @Test
    void anIncompatibleChangeIsRefusedAtStartSayingWhy(ApicurioRegistry registry) {
        String topic = unique("readings");
        // What the subject holds: a SensorReading whose seq is a string, which today's long cannot read.
        Schema other = new Schema.Parser().parse(SensorReading.getClassSchema().toString()
                .replace("{\"name\":\"seq\",\"type\":\"long\"", "{\"name\":\"seq\",\"type\":\"string\""));
        registry.client().register(topic + "-value", other);
        Map<String, String> config = new HashMap<>(registry.confluentProperties());
        config.put(Topics.TOPIC_PREFIX + "sensor-readings", topic);

        Topic<String, SensorReading> readings = Topics.fromConfig(config).sensorReadings();

        assertThatThrownBy(readings::registerValueSchema).isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("io.flatline.schemas.SensorReading")
                .hasMessageContaining("subject " + topic + "-value").hasMessageContaining("incompatible");
    }

    @Test
    void aSubjectsOwnCompatibilityLevelIsKept(ApicurioRegistry registry) throws Exception {
        String topic = unique("alerts");
        Schema schema = Prediction.getClassSchema();
        registry.client().register(topic + "-value", schema);
        registry.put("/config/" + topic + "-value", "{\"compatibility\":\"FULL\"}");

        serde(Prediction.class, registry.confluentProperties()).serializer().serialize(topic, SampleRecords.prediction("d", 1));

        assertThat(registry.get("/config/" + topic + "-value")).contains("\"FULL\"");
    }

    @Test
    void aRegistryThatCannotBeReachedAtStartIsAClearError() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Map<String, String> config = Map.of(WireFormat.PROPERTY, "confluent", RegistrySettings.URL,
                ApicurioRegistry.urlOnPort(closed));

        assertThatThrownBy(() -> Topics.fromConfig(config)).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("cannot be reached").hasMessageContaining("127.0.0.1:" + closed)
                .hasMessageContaining(RegistrySettings.URL);
    }

    @Test
    void knownSchemasKeepWorkingWhileTheRegistryIsDown(ApicurioRegistry registry) throws Exception {
        String topic = unique("outage");
        SensorReading reading = SampleRecords.sensorReading("press-02", 9);
        byte[] fromElsewhere = serde(SensorReading.class, registry.confluentProperties()).serializer().serialize(topic, reading);
        byte[] unknownId = fromElsewhere.clone();
        ByteBuffer.wrap(unknownId, 1, 4).putInt(Integer.MAX_VALUE);
        Serde<SensorReading> serde;
        int relayPort;
        try (TcpRelay relay = new TcpRelay(registry.port())) {
            serde = serde(SensorReading.class, Map.of(WireFormat.PROPERTY, "confluent",
                    RegistrySettings.URL, ApicurioRegistry.urlOnPort(relay.port())));
            Topic<String, SensorReading> topicOf = new Topic<>("sensor-readings", topic, null, serde, false);
            topicOf.registerValueSchema();
            relayPort = relay.port();
        }
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), relayPort).close())
                .as("the registry is out of reach").isInstanceOf(ConnectException.class);

        assertThat(serde.deserializer().deserialize(topic, serde.serializer().serialize(topic, reading)))
                .isEqualTo(reading);
        assertThat(serde.deserializer().deserialize(topic, fromElsewhere)).isEqualTo(reading);
        assertThatThrownBy(() -> serde.deserializer().deserialize(topic, unknownId))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema id " + Integer.MAX_VALUE).hasMessageContaining("cannot be reached");
        // The next record with a new id fails at once instead of waiting on the registry again.
        assertThatThrownBy(() -> serde.deserializer().deserialize(topic, unknownId))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not asked again");
        assertThat(serde.deserializer().deserialize(topic, fromElsewhere)).isEqualTo(reading);
    }

    @Test
    void aRecordOfAnotherTypeOrAnUnknownIdIsABrokenRecordNotACrash(ApicurioRegistry registry) {
        String topic = unique("wrong");
        byte[] prediction = serde(Prediction.class, registry.confluentProperties())
                .serializer().serialize(topic, SampleRecords.prediction("d", 1));
        byte[] unknownId = prediction.clone();
        ByteBuffer.wrap(unknownId, 1, 4).putInt(Integer.MAX_VALUE - 1);
        Serde<SensorReading> readings = serde(SensorReading.class, registry.confluentProperties());

        assertThatThrownBy(() -> readings.deserializer().deserialize(topic, prediction))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("holds a io.flatline.schemas.Prediction");
        assertThatThrownBy(() -> readings.deserializer().deserialize(topic, unknownId))
                .isInstanceOf(SerializationException.class).hasMessageContaining("no schema with id");
        assertThatThrownBy(() -> readings.deserializer().deserialize(topic, new byte[] {7, 7, 7, 7, 7, 7}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("neither in the Confluent wire format");
    }

    @Test
    void talksTlsWithTheTrustStoreGiven(ApicurioRegistry registry) {
        String topic = unique("tls");
        Map<String, String> tls = Map.of(WireFormat.PROPERTY, "confluent", RegistrySettings.URL, registry.tlsUrl(),
                RegistrySettings.SSL_PREFIX + "truststore.location", registry.truststore().toString(),
                RegistrySettings.SSL_PREFIX + "truststore.password", registry.truststorePassword(),
                RegistrySettings.SSL_PREFIX + "truststore.type", "PKCS12");
        SensorReading reading = SampleRecords.sensorReading("press-03", 1);

        Serde<SensorReading> serde = serde(SensorReading.class, tls);
        assertThat(serde.deserializer().deserialize(topic, serde.serializer().serialize(topic, reading)))
                .isEqualTo(reading);
        assertThatThrownBy(() -> Topics.fromConfig(Map.of(RegistrySettings.URL, registry.tlsUrl())))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining(registry.tlsUrl());
    }

    private static <T extends SpecificRecord> Serde<T> serde(Class<T> type, Map<String, String> config) {
        return WireFormat.factoryFor(config).serdeFor(type, config);
    }

    private static GenericRecord v1Record(Schema v1) {
        DeviceHealth now = SampleRecords.deviceHealth("press-07");
        GenericRecord record = new GenericData.Record(v1);
        for (Schema.Field field : v1.getFields()) {
            Object value = now.get(field.name());
            record.put(field.name(), value instanceof java.time.Instant t ? t.toEpochMilli() : value);
        }
        return record;
    }

    private static byte[] confluentBytes(int id, Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static String body(String statusAndBody) {
        assertThat(statusAndBody).startsWith("200 ");
        return statusAndBody.substring(4);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

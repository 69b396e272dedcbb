package io.flatline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.SampleRecords;
import io.flatline.schemas.SensorReading;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SingleObjectSerdeTest {

    static List<SpecificRecord> records() {
        return SampleRecords.oneOfEach("press-07");
    }

    @ParameterizedTest
    @MethodSource("records")
    @SuppressWarnings("unchecked")
    <T extends SpecificRecord> void roundTripsEveryRecord(T record) {
        Serde<T> serde = FlatlineSerdes.forClass((Class<T>) record.getClass());
        byte[] bytes = serde.serializer().serialize("t", record);
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(record);
    }

    @ParameterizedTest
    @MethodSource("records")
    @SuppressWarnings("unchecked")
    <T extends SpecificRecord> void writesTheSpecHeaderThatAnyAvroLibraryReads(T record) throws Exception {
        byte[] bytes = FlatlineSerdes.forClass((Class<T>) record.getClass()).serializer().serialize("t", record);
        // What a consumer in another service does with only the .avsc file: check the marker, take the
        // fingerprint of the schema it parsed, and decode the rest as a plain binary datum.
        Schema fromFile = new Schema.Parser().parse(getClass().getResourceAsStream(
                "/avro/" + record.getSchema().getName() + ".avsc"));
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(fromFile));
        GenericRecord generic = new org.apache.avro.generic.GenericDatumReader<GenericRecord>(fromFile).read(null,
                org.apache.avro.io.DecoderFactory.get().binaryDecoder(bytes, 10, bytes.length - 10, null));
        assertThat(generic.get("deviceId").toString()).isEqualTo("press-07");
    }

    @ParameterizedTest
    @MethodSource("records")
    @SuppressWarnings("unchecked")
    <T extends SpecificRecord> void writesTheBytesOfAvrosOwnMessageEncoderAndReadsThem(T record) throws Exception {
        Serde<T> serde = FlatlineSerdes.forClass((Class<T>) record.getClass());
        SpecificData model = SpecificData.getForClass(record.getClass());
        ByteBuffer avro = new BinaryMessageEncoder<T>(model, record.getSchema()).encode(record);
        byte[] theirs = new byte[avro.remaining()];
        avro.get(theirs);

        byte[] ours = serde.serializer().serialize("t", record);

        assertThat(ours).isEqualTo(theirs);
        assertThat(new BinaryMessageDecoder<T>(model, record.getSchema()).decode(ours)).isEqualTo(record);
        assertThat(serde.deserializer().deserialize("t", theirs)).isEqualTo(record);
    }

    @Test
    void aRecordThatFailsHalfWrittenLeavesNothingBehindForTheNext() {
        Serde<Prediction> serde = FlatlineSerdes.forClass(Prediction.class);
        Prediction good = SampleRecords.prediction("press-07", 42);
        byte[] expected = serde.serializer().serialize("t", good);
        // The fields before modelId are written (and buffered) before the null fails the write.
        Prediction broken = Prediction.newBuilder(good).build();
        broken.setModelId(null);

        assertThatThrownBy(() -> serde.serializer().serialize("t", broken)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot encode a Prediction");

        assertThat(serde.serializer().serialize("t", good)).isEqualTo(expected);
    }

    @Test
    void encodesCorrectlyFromSeveralThreadsAtOnce() throws Exception {
        // Kafka Streams shares one serializer among its stream threads; each thread has its own buffers.
        Serde<SensorReading> serde = FlatlineSerdes.forClass(SensorReading.class);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String device = "press-" + t;
                results.add(pool.submit(() -> {
                    int checked = 0;
                    for (long seq = 0; seq < 5_000; seq++) {
                        SensorReading reading = SampleRecords.sensorReading(device, seq);
                        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", reading)))
                                .isEqualTo(reading);
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(5_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void needsNoSystemPropertyToInstantiateGeneratedClasses() {
        assertThat(System.getProperty("org.apache.avro.SERIALIZABLE_CLASSES")).isNull();
        assertThat(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES")).isNull();
        Serde<SensorReading> serde = FlatlineSerdes.sensorReading();
        SensorReading reading = SampleRecords.sensorReading("d", 1);
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", reading)))
                .isInstanceOf(SensorReading.class).isEqualTo(reading);
    }

    @Test
    void readsRecordsWrittenWithAnOlderPublishedVersion() throws Exception {
        // The version before modelId existed; the current schema adds it with a default of null.
        Schema older = new Schema.Parser().parse(getClass().getResourceAsStream("/evolution/BoardInference.v0.avsc"));
        GenericRecord old = new GenericData.Record(older);
        old.put("deviceId", "press-07");
        old.put("timestamp", SampleRecords.T0.toEpochMilli());
        old.put("inferenceCount", 41L);
        old.put("windowEndSeq", 90L);
        old.put("inputCrc32", null);
        old.put("netOut", ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));
        byte[] bytes = singleObject(older, old);

        var serde = new SingleObjectSerde<>(BoardInference.class, List.of(older));
        BoardInference read = serde.deserialize("t", bytes);

        assertThat(read.getInferenceCount()).isEqualTo(41L);
        assertThat(read.getWindowEndSeq()).isEqualTo(90L);
        assertThat(read.getModelId()).isNull();
        assertThat(read.getNetOut().array()).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void refusesBytesThatAreNotAvroWithAClearMessage() {
        byte[] json = "{\"deviceId\":\"x\"}".getBytes();
        assertThatThrownBy(() -> FlatlineSerdes.sensorReading().deserializer().deserialize("readings", json))
                .isInstanceOf(SerializationException.class)
                .hasMessage("A SensorReading record on topic readings is not Avro single-object encoding (expected"
                        + " the marker C3 01 and an 8-byte schema fingerprint, got 16 bytes starting"
                        + " 7b 22 64 65 76 69 63 65 ...)");
    }

    @Test
    void refusesAnUnknownFingerprintNamingIt() {
        byte[] bytes = FlatlineSerdes.sensorReading().serializer().serialize("t", SampleRecords.sensorReading("d", 1));
        Arrays.fill(bytes, 2, 10, (byte) 0x11);
        assertThatThrownBy(() -> FlatlineSerdes.sensorReading().deserializer().deserialize("readings", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("A SensorReading record on topic readings was written with a schema this"
                        + " reader does not know (fingerprint 0x1111111111111111)")
                .hasMessageContaining("Upgrade this consumer");
    }

    @Test
    void refusesAnotherRecordTypeOnTheTopic() {
        byte[] prediction = FlatlineSerdes.prediction().serializer().serialize("t", SampleRecords.prediction("d", 1));
        assertThatThrownBy(() -> FlatlineSerdes.sensorReading().deserializer().deserialize("readings", prediction))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("does not know");
    }

    @Test
    void refusesATruncatedDatum() {
        byte[] bytes = FlatlineSerdes.sensorReading().serializer().serialize("t", SampleRecords.sensorReading("d", 1));
        byte[] truncated = Arrays.copyOf(bytes, 14);
        assertThatThrownBy(() -> FlatlineSerdes.sensorReading().deserializer().deserialize("readings", truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("A SensorReading record on topic readings is a broken SensorReading datum"
                        + " (14 bytes;");
    }

    @Test
    void passesNullThroughForTombstones() {
        assertThat(FlatlineSerdes.deviceHealth().serializer().serialize("t", null)).isNull();
        assertThat(FlatlineSerdes.deviceHealth().deserializer().deserialize("t", null)).isNull();
    }

    private static byte[] singleObject(Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xC3, 0x01});
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(SchemaNormalization.parsingFingerprint64(schema)).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}

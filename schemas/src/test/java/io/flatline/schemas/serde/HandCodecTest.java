package io.flatline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The hand-written codecs against Avro's own writer and reader: the same bytes, the same records. */
class HandCodecTest {

    private static final int RECORDS = 2_000;

    static Stream<Arguments> codecs() {
        return Stream.of(
                Arguments.of(SensorReading.class, (Function<Random, SpecificRecord>) HandCodecTest::randomReading),
                Arguments.of(Prediction.class, (Function<Random, SpecificRecord>) HandCodecTest::randomPrediction),
                Arguments.of(BoardInference.class,
                        (Function<Random, SpecificRecord>) HandCodecTest::randomBoardInference),
                Arguments.of(BoardComparison.class,
                        (Function<Random, SpecificRecord>) HandCodecTest::randomBoardComparison));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    <T extends SpecificRecord> void isWrittenForTheCurrentSchemaAndUsedByTheSerde(Class<T> type) {
        // Fails when the schema changes: update the codec to the new version, then its fingerprint here.
        long current = SchemaNormalization.parsingFingerprint64(SpecificData.get().getSchema(type));
        assertThat(RecordCodec.handCodecOf(type).schemaFingerprint()).isEqualTo(current);
        assertThat(new SingleObjectSerde<>(type).handCoded()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("codecs")
    @SuppressWarnings("unchecked")
    <T extends SpecificRecord> void writesAvrosBytesAndReadsWhatAvroWritesInBlocksToo(Class<T> type,
                                                                          Function<Random, SpecificRecord> random)
            throws Exception {
        HandCodec<T> codec = RecordCodec.handCodecOf(type);
        byte[] header = {1, 2, 3};
        Random rnd = new Random(42);
        for (int i = 0; i < RECORDS; i++) {
            T record = (T) random.apply(rnd);
            byte[] avro = avroBytes(record, header, false);
            assertThat(codec.encode(header, record)).as("record %d: %s", i, record).isEqualTo(avro);
            assertThat(codec.decode(avro, header.length)).as("record %d", i).isEqualTo(avroRead(type, avro, header.length));
            // Avro's blocking encoder writes arrays as blocks with negative counts followed by their byte sizes.
            byte[] blocked = avroBytes(record, new byte[0], true);
            assertThat(codec.decode(blocked, 0)).as("record %d in blocks", i).isEqualTo(record);
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    @SuppressWarnings("unchecked")
    <T extends SpecificRecord> void refusesEveryTruncationWithABrokenDatumError(Class<T> type,
                                                                               Function<Random, SpecificRecord> random) {
        SingleObjectSerde<T> serde = new SingleObjectSerde<>(type);
        byte[] whole = serde.serialize("t", (T) random.apply(new Random(3)));
        for (int length = SingleObjectSerde.HEADER_LENGTH; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> serde.deserialize("t", cut)).as("cut at %d of %d", length, whole.length)
                    .isInstanceOf(SerializationException.class).hasMessageContaining("is a broken " + type.getSimpleName());
        }
    }

    @Test
    void refusesALengthThatRunsPastTheRecordWithoutAllocatingIt() {
        SingleObjectSerde<SensorReading> serde = new SingleObjectSerde<>(SensorReading.class);
        byte[] whole = serde.serialize("t", randomReading(new Random(1)));
        // The device id's length, zig-zag varint: 2^31 - 1 bytes claimed.
        byte[] lying = new byte[SingleObjectSerde.HEADER_LENGTH + 5];
        System.arraycopy(whole, 0, lying, 0, SingleObjectSerde.HEADER_LENGTH);
        byte[] length = {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
        System.arraycopy(length, 0, lying, SingleObjectSerde.HEADER_LENGTH, 5);
        assertThatThrownBy(() -> serde.deserialize("readings", lying)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("on topic readings is a broken SensorReading datum")
                .hasMessageContaining("a string of 2147483647 bytes");
    }

    private static <T extends SpecificRecord> byte[] avroBytes(T record, byte[] header, boolean blocking)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header);
        BinaryEncoder encoder = blocking ? EncoderFactory.get().blockingBinaryEncoder(out, null)
                : EncoderFactory.get().binaryEncoder(out, null);
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        new SpecificDatumWriter<>(type).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static <T> T avroRead(Class<T> type, byte[] data, int offset) throws Exception {
        return new SpecificDatumReader<>(type).read(null,
                DecoderFactory.get().binaryDecoder(data, offset, data.length - offset, null));
    }

    static SensorReading randomReading(Random rnd) {
        return new SensorReading(randomText(rnd), randomLong(rnd), Instant.ofEpochMilli(randomLong(rnd) >> 20),
                randomFloats(rnd), Quality.values()[rnd.nextInt(Quality.values().length)]);
    }

    static Prediction randomPrediction(Random rnd) {
        byte[] netOut = randomBytes(rnd);
        return new Prediction(randomText(rnd), randomLong(rnd), Instant.ofEpochMilli(randomLong(rnd) >> 20),
                randomText(rnd), rnd.nextLong() & 0xFFFF_FFFFL, ByteBuffer.wrap(netOut), randomFloats(rnd),
                randomText(rnd), rnd.nextInt(257));
    }

    /** Every optional field absent in some records. */
    static BoardInference randomBoardInference(Random rnd) {
        return new BoardInference(randomText(rnd), Instant.ofEpochMilli(randomLong(rnd) >> 20), randomLong(rnd),
                rnd.nextBoolean() ? null : randomLong(rnd), rnd.nextBoolean() ? null : rnd.nextLong() & 0xFFFF_FFFFL,
                ByteBuffer.wrap(randomBytes(rnd)), rnd.nextBoolean() ? null : randomText(rnd));
    }

    static BoardComparison randomBoardComparison(Random rnd) {
        Boolean[] matches = {null, true, false};
        return new BoardComparison(randomText(rnd), randomLong(rnd), matches[rnd.nextInt(3)],
                ByteBuffer.wrap(randomBytes(rnd)), ByteBuffer.wrap(randomBytes(rnd)), (int) randomLong(rnd),
                rnd.nextBoolean(), rnd.nextBoolean() ? null : randomText(rnd));
    }

    private static byte[] randomBytes(Random rnd) {
        byte[] bytes = new byte[rnd.nextInt(12)];
        rnd.nextBytes(bytes);
        return bytes;
    }

    /** Every size class of varint, negative values included. */
    private static long randomLong(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(200) - 100;
            case 1 -> rnd.nextLong() >> rnd.nextInt(64);
            case 2 -> rnd.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
            default -> rnd.nextLong();
        };
    }

    /** Empty, ASCII, and text of two-, three- and four-byte UTF-8 characters. */
    private static String randomText(Random rnd) {
        String[] pieces = {"", "press-07", "Prüfstand", "温度计", "\uD83D\uDE80", "a".repeat(200)};
        StringBuilder text = new StringBuilder();
        for (int i = rnd.nextInt(3); i > 0; i--) {
            text.append(pieces[rnd.nextInt(pieces.length)]);
        }
        return text.toString();
    }

    /** Empty and longer arrays, with NaNs of other payloads, infinities, signed zeros and subnormals. */
    private static List<Float> randomFloats(Random rnd) {
        float[] special = {Float.NaN, Float.intBitsToFloat(0x7FC00123), Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE, Float.MAX_VALUE};
        List<Float> values = new ArrayList<>();
        for (int i = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(70); i > 0; i--) {
            values.add(rnd.nextInt(10) == 0 ? special[rnd.nextInt(special.length)] : (float) rnd.nextGaussian() * 100);
        }
        return values;
    }
}

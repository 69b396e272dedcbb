package io.flatline.schemas.serde;

import java.io.IOException;

/**
 * A record's Avro binary datum written out by hand, for the records the streams application handles once per
 * reading or board report ({@code SensorReading} and {@code Prediction}; a board's {@code BoardInference} and its
 * {@code BoardComparison} come as often where boards report). On that path Avro's reflective datum reader and
 * writer, with their generic walk over the fields, a thread-local lookup and a copy per record, are among the
 * largest costs Flatline controls. The bytes are Avro's: tests hold each codec to Avro's own writer and reader on
 * random records.
 *
 * <p>A codec is written for one version of its schema, named by its fingerprint. {@link SingleObjectSerde} uses
 * it only while the record's schema has that fingerprint, and Avro's reader and writer otherwise, so a schema
 * change can make Flatline slower but never wrong; {@code HandCodecTest} fails until the codec is updated.
 */
interface HandCodec<T> {

    /** The parsing fingerprint (CRC-64-AVRO) of the schema this codec was written for. */
    long schemaFingerprint();

    /** {@code header} followed by the datum, in an array of exactly that length. */
    byte[] encode(byte[] header, T datum);

    /** The datum at {@code offset}; what follows it is ignored, as Avro's reader does. */
    T decode(byte[] data, int offset) throws IOException;
}

package io.flatline.schemas.serde;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;

/** {@link SensorReading} version 1: deviceId, seq, timestamp (millis), values (floats), quality (enum). */
final class SensorReadingCodec implements HandCodec<SensorReading> {

    private static final Quality[] QUALITIES = Quality.values();

    @Override
    public long schemaFingerprint() {
        return 0x7A826140610055A0L;
    }

    @Override
    public byte[] encode(byte[] header, SensorReading reading) {
        byte[] deviceId = reading.getDeviceId().getBytes(StandardCharsets.UTF_8);
        long timestamp = reading.getTimestamp().toEpochMilli();
        List<Float> values = reading.getValues();
        int size = header.length + AvroBinary.sizeOfBytes(deviceId.length) + AvroBinary.sizeOfLong(reading.getSeq())
                + AvroBinary.sizeOfLong(timestamp) + AvroBinary.sizeOfFloatArray(values.size())
                + AvroBinary.sizeOfLong(reading.getQuality().ordinal());
        AvroBinary.Writer writer = new AvroBinary.Writer(size, header);
        writer.writeBytes(deviceId);
        writer.writeLong(reading.getSeq());
        writer.writeLong(timestamp);
        writer.writeFloatArray(values);
        writer.writeLong(reading.getQuality().ordinal());
        return writer.finish();
    }

    @Override
    public SensorReading decode(byte[] data, int offset) throws IOException {
        AvroBinary.Reader reader = new AvroBinary.Reader(data, offset);
        String deviceId = reader.readString();
        long seq = reader.readLong();
        Instant timestamp = Instant.ofEpochMilli(reader.readLong());
        float[] values = reader.readFloatArray();
        int quality = reader.readInt();
        if (quality < 0 || quality >= QUALITIES.length) {
            throw new IOException("quality symbol " + quality + " of " + QUALITIES.length);
        }
        return new SensorReading(deviceId, seq, timestamp, new FloatList(values), QUALITIES[quality]);
    }
}

package io.flatline.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.flatline.schemas.Prediction;

/**
 * {@link Prediction} version 1: deviceId, windowEndSeq, timestamp (millis), modelId, inputCrc32, netOut
 * (bytes), probabilities (floats), label, inputLevels (int).
 */
final class PredictionCodec implements HandCodec<Prediction> {

    @Override
    public long schemaFingerprint() {
        return 0x0DACEDB2A0AF3661L;
    }

    @Override
    public byte[] encode(byte[] header, Prediction p) {
        byte[] deviceId = p.getDeviceId().getBytes(StandardCharsets.UTF_8);
        byte[] modelId = p.getModelId().getBytes(StandardCharsets.UTF_8);
        byte[] label = p.getLabel().getBytes(StandardCharsets.UTF_8);
        ByteBuffer netOut = p.getNetOut();
        int netOutLength = netOut.remaining();
        long timestamp = p.getTimestamp().toEpochMilli();
        List<Float> probabilities = p.getProbabilities();
        int size = header.length + AvroBinary.sizeOfBytes(deviceId.length)
                + AvroBinary.sizeOfLong(p.getWindowEndSeq()) + AvroBinary.sizeOfLong(timestamp)
                + AvroBinary.sizeOfBytes(modelId.length) + AvroBinary.sizeOfLong(p.getInputCrc32())
                + AvroBinary.sizeOfBytes(netOutLength) + AvroBinary.sizeOfFloatArray(probabilities.size())
                + AvroBinary.sizeOfBytes(label.length) + AvroBinary.sizeOfLong(p.getInputLevels());
        AvroBinary.Writer writer = new AvroBinary.Writer(size, header);
        writer.writeBytes(deviceId);
        writer.writeLong(p.getWindowEndSeq());
        writer.writeLong(timestamp);
        writer.writeBytes(modelId);
        writer.writeLong(p.getInputCrc32());
        writer.writeBuffer(netOut);
        writer.writeFloatArray(probabilities);
        writer.writeBytes(label);
        writer.writeLong(p.getInputLevels());
        return writer.finish();
    }

    @Override
    public Prediction decode(byte[] data, int offset) throws IOException {
        AvroBinary.Reader reader = new AvroBinary.Reader(data, offset);
        String deviceId = reader.readString();
        long windowEndSeq = reader.readLong();
        Instant timestamp = Instant.ofEpochMilli(reader.readLong());
        String modelId = reader.readString();
        long inputCrc32 = reader.readLong();
        ByteBuffer netOut = ByteBuffer.wrap(reader.readBytes());
        float[] probabilities = reader.readFloatArray();
        String label = reader.readString();
        int inputLevels = reader.readInt();
        return new Prediction(deviceId, windowEndSeq, timestamp, modelId, inputCrc32, netOut,
                new FloatList(probabilities), label, inputLevels);
    }
}

package io.flatline.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.flatline.schemas.BoardInference;

/**
 * {@link BoardInference} version 1: deviceId, timestamp (millis), inferenceCount, windowEndSeq (null or long),
 * inputCrc32 (null or long), netOut (bytes), modelId (null or string).
 */
final class BoardInferenceCodec implements HandCodec<BoardInference> {

    @Override
    public long schemaFingerprint() {
        return 0x59E9F59C9B40AF3AL;
    }

    @Override
    public byte[] encode(byte[] header, BoardInference bi) {
        byte[] deviceId = bi.getDeviceId().getBytes(StandardCharsets.UTF_8);
        byte[] modelId = bi.getModelId() == null ? null : bi.getModelId().getBytes(StandardCharsets.UTF_8);
        long timestamp = bi.getTimestamp().toEpochMilli();
        ByteBuffer netOut = bi.getNetOut();
        int size = header.length + AvroBinary.sizeOfBytes(deviceId.length) + AvroBinary.sizeOfLong(timestamp)
                + AvroBinary.sizeOfLong(bi.getInferenceCount()) + AvroBinary.sizeOfNullableLong(bi.getWindowEndSeq())
                + AvroBinary.sizeOfNullableLong(bi.getInputCrc32()) + AvroBinary.sizeOfBytes(netOut.remaining())
                + (modelId == null ? 1 : 1 + AvroBinary.sizeOfBytes(modelId.length));
        AvroBinary.Writer writer = new AvroBinary.Writer(size, header);
        writer.writeBytes(deviceId);
        writer.writeLong(timestamp);
        writer.writeLong(bi.getInferenceCount());
        writer.writeNullableLong(bi.getWindowEndSeq());
        writer.writeNullableLong(bi.getInputCrc32());
        writer.writeBuffer(netOut);
        writer.writeLong(modelId == null ? 0 : 1);
        if (modelId != null) {
            writer.writeBytes(modelId);
        }
        return writer.finish();
    }

    @Override
    public BoardInference decode(byte[] data, int offset) throws IOException {
        AvroBinary.Reader reader = new AvroBinary.Reader(data, offset);
        String deviceId = reader.readString();
        Instant timestamp = Instant.ofEpochMilli(reader.readLong());
        long inferenceCount = reader.readLong();
        Long windowEndSeq = reader.readPresent() ? reader.readLong() : null;
        Long inputCrc32 = reader.readPresent() ? reader.readLong() : null;
        ByteBuffer netOut = ByteBuffer.wrap(reader.readBytes());
        String modelId = reader.readPresent() ? reader.readString() : null;
        return new BoardInference(deviceId, timestamp, inferenceCount, windowEndSeq, inputCrc32, netOut, modelId);
    }
}

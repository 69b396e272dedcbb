package io.flatline.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.flatline.schemas.BoardComparison;

/**
 * {@link BoardComparison} version 2: deviceId, windowEndSeq, inputMatch (null or boolean), boardNetOut (bytes),
 * referenceNetOut (bytes), maxAbsDiffLsb (int), top1Agree (boolean), modelId (null or string).
 */
final class BoardComparisonCodec implements HandCodec<BoardComparison> {

    @Override
    public long schemaFingerprint() {
        return 0x0E7A59779D29C6B2L;
    }

    @Override
    public byte[] encode(byte[] header, BoardComparison c) {
        byte[] deviceId = c.getDeviceId().getBytes(StandardCharsets.UTF_8);
        byte[] modelId = c.getModelId() == null ? null : c.getModelId().getBytes(StandardCharsets.UTF_8);
        ByteBuffer board = c.getBoardNetOut();
        ByteBuffer reference = c.getReferenceNetOut();
        int size = header.length + AvroBinary.sizeOfBytes(deviceId.length) + AvroBinary.sizeOfLong(c.getWindowEndSeq())
                + (c.getInputMatch() == null ? 1 : 2) + AvroBinary.sizeOfBytes(board.remaining())
                + AvroBinary.sizeOfBytes(reference.remaining()) + AvroBinary.sizeOfLong(c.getMaxAbsDiffLsb()) + 1
                + 1 + (modelId == null ? 0 : AvroBinary.sizeOfBytes(modelId.length));
        AvroBinary.Writer writer = new AvroBinary.Writer(size, header);
        writer.writeBytes(deviceId);
        writer.writeLong(c.getWindowEndSeq());
        writer.writeLong(c.getInputMatch() == null ? 0 : 1);
        if (c.getInputMatch() != null) {
            writer.writeBoolean(c.getInputMatch());
        }
        writer.writeBuffer(board);
        writer.writeBuffer(reference);
        writer.writeLong(c.getMaxAbsDiffLsb());
        writer.writeBoolean(c.getTop1Agree());
        writer.writeLong(modelId == null ? 0 : 1);
        if (modelId != null) {
            writer.writeBytes(modelId);
        }
        return writer.finish();
    }

    @Override
    public BoardComparison decode(byte[] data, int offset) throws IOException {
        AvroBinary.Reader reader = new AvroBinary.Reader(data, offset);
        String deviceId = reader.readString();
        long windowEndSeq = reader.readLong();
        Boolean inputMatch = reader.readPresent() ? reader.readBoolean() : null;
        ByteBuffer board = ByteBuffer.wrap(reader.readBytes());
        ByteBuffer reference = ByteBuffer.wrap(reader.readBytes());
        int maxAbsDiffLsb = reader.readInt();
        boolean top1Agree = reader.readBoolean();
        String modelId = reader.readPresent() ? reader.readString() : null;
        return new BoardComparison(deviceId, windowEndSeq, inputMatch, board, reference, maxAbsDiffLsb, top1Agree,
                modelId);
    }
}

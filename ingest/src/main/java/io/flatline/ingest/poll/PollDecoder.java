package io.flatline.ingest.poll;

import io.flatline.ingest.devicemap.Board;
import io.flatline.ingest.devicemap.Channel;
import io.flatline.ingest.devicemap.Device;
import io.flatline.ingest.devicemap.RegisterRef;
import io.flatline.ingest.registers.Decoder;
import io.flatline.ingest.registers.RegisterImage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns the registers of one poll into channel values and a board report. Pure functions. */
public final class PollDecoder {
    private PollDecoder() {
    }

    /**
     * @param values  scaled values in channel order
     * @param inRange whether every value is inside its channel's valid range
     * @param raw     the channels' registers, concatenated: what "the device's data did not change" compares
     */
    public record Channels(List<Float> values, boolean inRange, int[] raw) {
    }

    public record BoardReport(long counter, Optional<Long> inputCrc32, byte[] netOut) {
    }

    public static Channels channels(Device device, RegisterImage image) {
        List<Float> values = new ArrayList<>(device.channels().size());
        boolean inRange = true;
        int[] raw = new int[device.channels().stream().mapToInt(c -> c.register().type().registers()).sum()];
        int at = 0;
        for (Channel channel : device.channels()) {
            RegisterRef ref = channel.register();
            int[] regs = image.slice(ref.range());
            System.arraycopy(regs, 0, raw, at, regs.length);
            at += regs.length;
            double value = channel.scaled(Decoder.decode(regs, 0, ref.type(), ref.order()));
            inRange &= channel.validRange().contains(value);
            values.add((float) value);
        }
        return new Channels(List.copyOf(values), inRange, raw);
    }

    public static BoardReport board(Board board, RegisterImage image) {
        long counter = integer(board.counter(), image);
        Optional<Long> crc = board.inputCrc32().map(ref -> integer(ref, image) & 0xFFFF_FFFFL);
        byte[] netOut = Decoder.unpackInt8(image.slice(board.netOut().range()), 0, board.netOut().count(),
                board.netOut().highByteFirst());
        return new BoardReport(counter, crc, netOut);
    }

    private static long integer(RegisterRef ref, RegisterImage image) {
        return Decoder.toLong(Decoder.bits(image.slice(ref.range()), 0, ref.type(), ref.order()), ref.type());
    }
}

package io.flatline.ingest.devicemap;

import io.flatline.ingest.registers.BlockPlanner;
import io.flatline.ingest.registers.RegisterRange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One device as the map describes it, defaults applied. {@code staleAfter}, when present, marks readings STALE
 * once the device has returned a bit-identical register image for that long: a frozen PLC image keeps answering
 * while the data stopped.
 */
public record Device(
        String id,
        Endpoint endpoint,
        int unitId,
        Duration interval,
        Duration timeout,
        int maxGap,
        Optional<Duration> staleAfter,
        List<Channel> channels,
        Optional<Board> board) {

    public Device {
        channels = List.copyOf(channels);
    }

    /** The block reads of one poll. */
    public List<RegisterRange> blocks() {
        return BlockPlanner.plan(wantedRanges(), maxGap, RegisterRange.MAX_READ);
    }

    /** Every register range this device's polls read, before merging into blocks. */
    public List<RegisterRange> wantedRanges() {
        List<RegisterRange> ranges = new ArrayList<>();
        channels.forEach(c -> ranges.add(c.register().range()));
        board.ifPresent(b -> {
            ranges.add(b.counter().range());
            b.inputCrc32().ifPresent(crc -> ranges.add(crc.range()));
            ranges.add(b.netOut().range());
        });
        return ranges;
    }
}

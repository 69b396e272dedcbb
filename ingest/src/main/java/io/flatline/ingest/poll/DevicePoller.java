package io.flatline.ingest.poll;

import io.flatline.ingest.devicemap.Device;
import io.flatline.ingest.metrics.IngestMetrics;
import io.flatline.ingest.modbus.Backoff;
import io.flatline.ingest.modbus.ModbusReadException;
import io.flatline.ingest.modbus.RegisterReader;
import io.flatline.ingest.registers.RegisterImage;
import io.flatline.ingest.registers.RegisterRange;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads one device and turns its registers into records. A failed poll has closed the connection (the reader
 * does that) and sets a backoff before the next attempt. Not thread-safe: one thread polls a device.
 */
public final class DevicePoller {
    private static final Logger log = LoggerFactory.getLogger(DevicePoller.class);

    private final Device device;
    private final RegisterReader reader;
    private final IngestMetrics.Device metrics;
    private final MonotonicClock clock;
    private final List<RegisterRange> blocks;
    private final Backoff backoff;

    private int failures;
    private long retryAt = Long.MIN_VALUE;
    private Long lastCounter;
    private int[] lastRaw;
    private long rawSince;

    public DevicePoller(Device device, RegisterReader reader, IngestMetrics.Device metrics, MonotonicClock clock) {
        this.device = device;
        this.reader = reader;
        this.metrics = metrics;
        this.clock = clock;
        this.blocks = device.blocks();
        this.backoff = Backoff.forInterval(device.interval());
    }

    public Device device() {
        return device;
    }

    /** When the backoff after the last failure ends, in the clock's epoch nanoseconds. */
    public long retryAt() {
        return retryAt;
    }

    /**
     * The result of one poll: always a reading; the board's report as read; an inference to publish when the
     * board's counter moved; why the poll failed.
     */
    public record Poll(SensorReading reading, Optional<PollDecoder.BoardReport> board,
                       Optional<BoardInference> inference, Optional<String> error) {
    }

    /** Reads the device once and decodes it; never throws for anything the device does. */
    public Poll poll(long seq) {
        long started = System.nanoTime();
        Instant timestamp = Instant.ofEpochMilli(clock.epochNanos() / 1_000_000);
        RegisterImage image;
        try {
            List<int[]> values = new ArrayList<>(blocks.size());
            for (RegisterRange block : blocks) {
                values.add(reader.read(block));
            }
            image = new RegisterImage(blocks, values);
        } catch (ModbusReadException e) {
            return failed(seq, timestamp, started, e.getMessage());
        }
        long latency = System.nanoTime() - started;
        metrics.succeeded(latency, timestamp.toEpochMilli());
        if (failures > 0) {
            log.info("{}: answering again after {} failed polls", device.id(), failures);
            failures = 0;
        }
        PollDecoder.Channels channels = PollDecoder.channels(device, image);
        SensorReading reading = SensorReading.newBuilder().setDeviceId(device.id()).setSeq(seq)
                .setTimestamp(timestamp).setValues(channels.values())
                .setQuality(quality(channels, started)).build();
        Optional<PollDecoder.BoardReport> report = device.board().map(board -> PollDecoder.board(board, image));
        Optional<BoardInference> inference = report.flatMap(r -> {
            // The first counter seen is no news: it may be an inference made long ago, or none at all (a board
            // that has not filled its window yet reports 0 and an empty output).
            boolean moved = lastCounter != null && lastCounter != r.counter();
            lastCounter = r.counter();
            if (!moved) {
                return Optional.empty();
            }
            // The board's newest inference is pinned to the reading read in the same poll: its window most
            // likely ends there. Streams matches on the input CRC first and tolerates a few readings of slack.
            return Optional.of(BoardInference.newBuilder().setDeviceId(device.id()).setTimestamp(timestamp)
                    .setInferenceCount(r.counter()).setWindowEndSeq(seq)
                    .setInputCrc32(r.inputCrc32().orElse(null)).setNetOut(ByteBuffer.wrap(r.netOut()))
                    .setModelId(device.board().orElseThrow().modelId().orElse(null)).build());
        });
        return new Poll(reading, report, inference, Optional.empty());
    }

    private Poll failed(long seq, Instant timestamp, long started, String error) {
        metrics.failed(System.nanoTime() - started);
        failures++;
        long delay = backoff.delay(failures, ThreadLocalRandom.current()::nextDouble).toNanos();
        retryAt = clock.epochNanos() + delay;
        if (failures == 1) {
            log.warn("{}: {}; retrying with backoff", device.id(), error);
        } else {
            log.debug("{}: failure {}: {}; next attempt in {} ms", device.id(), failures, error, delay / 1_000_000);
        }
        SensorReading reading = SensorReading.newBuilder().setDeviceId(device.id()).setSeq(seq)
                .setTimestamp(timestamp).setValues(List.of()).setQuality(Quality.READ_ERROR).build();
        return new Poll(reading, Optional.empty(), Optional.empty(), Optional.of(error));
    }

    /** STALE wins over OUT_OF_RANGE: values that stopped refreshing say nothing about the present either way. */
    private Quality quality(PollDecoder.Channels channels, long now) {
        if (lastRaw == null || !Arrays.equals(lastRaw, channels.raw())) {
            lastRaw = channels.raw();
            rawSince = now;
        }
        boolean stale = device.staleAfter().map(d -> now - rawSince >= d.toNanos()).orElse(false);
        if (stale) {
            return Quality.STALE;
        }
        return channels.inRange() ? Quality.GOOD : Quality.OUT_OF_RANGE;
    }
}

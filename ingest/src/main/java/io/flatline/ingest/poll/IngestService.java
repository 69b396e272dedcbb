package io.flatline.ingest.poll;

import io.flatline.ingest.devicemap.Device;
import io.flatline.ingest.devicemap.DeviceMap;
import io.flatline.ingest.metrics.IngestMetrics;
import io.flatline.ingest.modbus.J2modRegisterReader;
import io.flatline.ingest.modbus.RegisterReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * Runs one poller thread per device. Threads are fixed at start: reconnects reuse them, so their number never
 * grows. Small stacks keep a thousand of them cheap.
 */
public final class IngestService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestService.class);
    private static final long STACK_BYTES = 256 * 1024;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<PollLoop> loops = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final List<RegisterReader> readers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    /** Numbers polls by epoch slots alone (see {@link SeqClock}), with real Modbus connections. */
    public IngestService(DeviceMap map, ReadingSink sink, IngestMetrics metrics) {
        this(map, sink, metrics, d -> SeqClock.forDevice(d.id(), d.interval()));
    }

    /** Numbers each device's polls with the clock {@code seqClocks} gives it (see {@link SeqClocks}). */
    public IngestService(DeviceMap map, ReadingSink sink, IngestMetrics metrics, Function<Device, SeqClock> seqClocks) {
        MonotonicClock clock = new MonotonicClock();
        for (Device device : map.devices()) {
            RegisterReader reader = reader(device);
            readers.add(reader);
            DevicePoller poller = new DevicePoller(device, reader, metrics.device(device.id()), clock);
            loops.add(new PollLoop(poller, seqClocks.apply(device), sink, clock, stop));
            ids.add(device.id());
        }
    }

    public static RegisterReader reader(Device device) {
        return new J2modRegisterReader(device.endpoint(), device.unitId(), device.timeout());
    }

    public synchronized void start() {
        if (!threads.isEmpty()) {
            throw new IllegalStateException("already started");
        }
        for (int i = 0; i < loops.size(); i++) {
            Thread thread = new Thread(null, loops.get(i), "poll-" + ids.get(i), STACK_BYTES);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        log.info("polling {} devices", loops.size());
    }

    /** Stops every poller, closing connections to unblock reads in flight, and waits for the threads. */
    @Override
    public synchronized void close() {
        stop.countDown();
        readers.forEach(RegisterReader::close);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive()) {
                log.warn("{} did not stop within 10 s", thread.getName());
            }
        }
        // A read that began before the stop may have reconnected after the first close.
        readers.forEach(RegisterReader::close);
    }
}

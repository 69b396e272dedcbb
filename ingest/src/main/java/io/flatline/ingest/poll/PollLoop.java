package io.flatline.ingest.poll;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Polls one device on its own schedule, on its own thread, so a device that is slow or silent holds up only
 * itself. A poll that overruns its slot, and the slots of a backoff, are skipped: they are gaps in {@code seq}.
 */
final class PollLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);

    private final DevicePoller poller;
    private final ReadingSink sink;
    private final MonotonicClock clock;
    private final CountDownLatch stop;
    private final SeqClock seqClock;

    PollLoop(DevicePoller poller, SeqClock seqClock, ReadingSink sink, MonotonicClock clock, CountDownLatch stop) {
        this.poller = poller;
        this.seqClock = seqClock;
        this.sink = sink;
        this.clock = clock;
        this.stop = stop;
    }

    @Override
    public void run() {
        long seq = Long.MIN_VALUE;
        while (stop.getCount() > 0) {
            try {
                long now = clock.epochNanos();
                seq = Math.max(seq + 1, seqClock.firstSlotFrom(Math.max(now, poller.retryAt())));
                if (stop.await(seqClock.slotStart(seq) - now, TimeUnit.NANOSECONDS)) {
                    return;
                }
                DevicePoller.Poll poll = poller.poll(seq);
                if (poll.error().isPresent() && stop.getCount() == 0) {
                    // The stop closed the connection under this poll: not the device's failure, not a reading.
                    return;
                }
                sink.publish(poll.reading());
                poll.inference().ifPresent(sink::publish);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // A bug or a sink failure must not silently end this device's polling, nor spin.
                log.error("{}: poll {} failed", poller.device().id(), seq, e);
                if (pauseOneInterval()) {
                    return;
                }
            }
        }
    }

    /** Whether the service stopped during the pause. */
    private boolean pauseOneInterval() {
        try {
            return stop.await(seqClock.intervalNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}

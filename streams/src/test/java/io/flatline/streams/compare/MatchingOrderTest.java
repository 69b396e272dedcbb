package io.flatline.streams.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.streams.compare.BoardMonitor.Reference;
import io.flatline.streams.detect.RunDetector;
import org.junit.jupiter.api.Test;

/**
 * A board inference is compared with the same reference window, with the same inputMatch, whatever the order in
 * which it and the readings reach the task: each order here keeps each topic's own order (as Kafka does within a
 * partition) and interleaves the two at random, with bursts of either.
 */
class MatchingOrderTest {

    private static final BoardMonitor.Settings SETTINGS = new BoardMonitor.Settings(
            new RunDetector.Settings(10, 5, 10), 1, 3, 50, 100, 100);
    private static final int WINDOWS = 120;
    /** How far either topic may run ahead of the other: within the retention (and the pending limit) of 100. */
    private static final int LEAD = 90;

    /** The reference windows of one device, newest seq last, with every lookup the monitor makes. */
    private static final class Windows implements BoardMonitor.References {
        final TreeMap<Long, Reference> bySeq = new TreeMap<>();

        @Override
        public Optional<Reference> bySeq(long seq) {
            return Optional.ofNullable(bySeq.get(seq));
        }

        @Override
        public Optional<Reference> byCrc(long crc) {
            return bySeq.descendingMap().values().stream().filter(r -> r.crc() == crc).findFirst();
        }

        @Override
        public long newestSeq() {
            return bySeq.isEmpty() ? -1 : bySeq.lastKey();
        }
    }

    private static long crcOf(long seq) {
        // A stale stretch repeats one input (so one CRC) over several windows; elsewhere each window is new.
        return seq >= 60 && seq < 70 ? 0xF000_0000L : 0x8000_0000L + seq * 7919;
    }

    private static byte[] outOf(long seq) {
        if (crcOf(seq) == crcOf(60)) {
            return new byte[] {9, 9, 9};
        }
        return new byte[] {(byte) (seq % 11), 3, (byte) -(seq % 13)};
    }

    /**
     * The board's reports: mostly its window is the one ingest pinned; some ran one or two readings later; one
     * board quantized differently on a few windows; some report no CRC.
     */
    private static List<BoardInference> reports() {
        List<BoardInference> out = new ArrayList<>();
        for (long seq = 1; seq <= WINDOWS; seq++) {
            long ran = seq % 17 == 0 ? seq + 1 : seq % 23 == 0 ? seq + 2 : seq;
            Long crc = seq % 29 == 0 ? Long.valueOf(12345) : seq % 31 == 0 ? null : Long.valueOf(crcOf(ran));
            if (seq % 37 == 0 && crc != null) {
                crc = crc - (1L << 32);   // the same CRC written as a signed 32-bit value
            }
            out.add(BoardInference.newBuilder().setDeviceId("d").setTimestamp(Instant.ofEpochMilli(seq))
                    .setInferenceCount(seq).setWindowEndSeq(seq).setInputCrc32(crc)
                    .setNetOut(ByteBuffer.wrap(outOf(ran))).build());
        }
        return out;
    }

    private static List<BoardComparison> run(Random order) {
        Windows windows = new Windows();
        BoardMonitor.State state = BoardMonitor.State.initial(50, 3);
        List<BoardComparison> comparisons = new ArrayList<>();
        List<BoardInference> reports = reports();
        // The reference computes windows 3..WINDOWS+5 (its first two were not full yet).
        long nextWindow = 3;
        int nextReport = 0;
        while (nextWindow <= WINDOWS + 5 || nextReport < reports.size()) {
            boolean takeWindow = nextReport == reports.size() || nextWindow <= WINDOWS + 5 && order.nextBoolean();
            // Now and then a burst of one topic (a backlog), never further ahead than the retention.
            int burst = 1 + (order.nextInt(10) == 0 ? order.nextInt(60) : 0);
            for (int i = 0; i < burst; i++) {
                long lead = (nextWindow - 3) - nextReport;
                BoardMonitor.Outcome outcome;
                if (takeWindow && nextWindow <= WINDOWS + 5 && lead < LEAD) {
                    windows.bySeq.put(nextWindow, new Reference(nextWindow, crcOf(nextWindow), outOf(nextWindow)));
                    nextWindow++;
                    outcome = BoardMonitor.onReference("d", state, windows, SETTINGS);
                } else if (!takeWindow && nextReport < reports.size() && -lead < LEAD) {
                    outcome = BoardMonitor.onBoardInference("d", state, reports.get(nextReport++), windows, SETTINGS);
                } else {
                    break;
                }
                state = outcome.state();
                comparisons.addAll(outcome.comparisons());
            }
        }
        return comparisons;
    }

    @Test
    void everyOrderOfReadingsAndReportsGivesTheSameComparisons() {
        List<BoardComparison> expected = run(new Random(0));
        assertThat(expected).hasSizeGreaterThan(100);
        assertThat(expected).filteredOn(c -> Boolean.FALSE.equals(c.getInputMatch()))
                .extracting(BoardComparison::getWindowEndSeq).containsExactly(29L, 58L, 87L, 116L);
        assertThat(expected).filteredOn(c -> c.getInputMatch() == null).isNotEmpty();
        assertThat(expected).filteredOn(c -> Boolean.TRUE.equals(c.getInputMatch()))
                .allSatisfy(c -> assertThat(c.getMaxAbsDiffLsb()).isZero());
        for (int seed = 1; seed <= 300; seed++) {
            List<BoardComparison> got = run(new Random(seed));
            assertThat(got).as("order %d", seed).isEqualTo(expected);
        }
    }
}

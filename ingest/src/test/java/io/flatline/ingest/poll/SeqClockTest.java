package io.flatline.ingest.poll;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SeqClockTest {
    @Test
    void numbersSlotsFromTheEpochSoARestartCarriesOn() {
        SeqClock clock = SeqClock.forDevice("board-1", Duration.ofMillis(100));
        long t = 1_700_000_000_000_000_000L;
        long seq = clock.seqAt(t);
        assertThat(SeqClock.forDevice("board-1", Duration.ofMillis(100)).seqAt(t + 5_000_000_000L)).isEqualTo(seq + 50);
        assertThat(clock.slotStart(seq)).isLessThanOrEqualTo(t).isGreaterThan(t - 100_000_000L);
    }

    @Test
    void firstSlotFromIsTheSlotStartingAtOrAfter() {
        SeqClock clock = new SeqClock(100, 30, 0, 0);
        assertThat(clock.firstSlotFrom(130)).isEqualTo(1);
        assertThat(clock.firstSlotFrom(131)).isEqualTo(2);
        assertThat(clock.slotStart(2)).isEqualTo(230);
    }

    @Test
    void devicesAreSpreadAcrossTheInterval() {
        long distinct = java.util.stream.IntStream.range(0, 100)
                .mapToLong(i -> SeqClock.forDevice("board-" + i, Duration.ofMillis(100)).phaseNanos() / 10_000_000)
                .distinct().count();
        assertThat(distinct).isGreaterThan(5);
    }
}

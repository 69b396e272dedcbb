package io.flatline.ingest.modbus;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 2, 0.5);

    @Test
    void doublesUpToTheCap() {
        assertThat(backoff.delay(1, () -> 0)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delay(4, () -> 0)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.delay(60, () -> 0)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void jitterTakesOffUpToHalf() {
        assertThat(backoff.delay(2, () -> 0.999_999)).isBetween(Duration.ofMillis(100), Duration.ofMillis(101));
    }
}

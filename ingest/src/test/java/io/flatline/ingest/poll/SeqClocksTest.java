package io.flatline.ingest.poll;

import io.flatline.ingest.devicemap.Device;
import io.flatline.ingest.devicemap.DeviceMapException;
import io.flatline.ingest.devicemap.DeviceMapLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeqClocksTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long NOW = 1_800_000_000L * SECOND;

    @TempDir
    Path dir;

    private static List<Device> devices(String interval) throws DeviceMapException {
        return DeviceMapLoader.parse(Path.of("t.yaml"), """
                defaults: {host: h, interval: %s, channels: [{name: a, register: 40001, type: int16}]}
                devices: [{id: a}, {id: "b:=c"}]
                """.formatted(interval)).devices();
    }

    @Test
    void aNewDeviceIsNumberedFromTheEpochAndKeepsItsClockWhileItsIntervalStays() throws Exception {
        Path file = dir.resolve("state/seq-clocks.properties");
        Map<String, SeqClock> first = SeqClocks.resolve(file, devices("100ms"), NOW);
        assertThat(first.get("a")).isEqualTo(SeqClock.forDevice("a", java.time.Duration.ofMillis(100)));
        assertThat(file).exists();
        long written = Files.getLastModifiedTime(file).toMillis();

        Map<String, SeqClock> again = SeqClocks.resolve(file, devices("100ms"), NOW + 3600 * SECOND);
        assertThat(again).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(written);
    }

    @Test
    void aLongerIntervalContinuesTheNumberingInsteadOfRestartingItLower() throws Exception {
        Path file = dir.resolve("seq-clocks.properties");
        SeqClock fast = SeqClocks.resolve(file, devices("100ms"), NOW).get("b:=c");
        long lastFastSeq = fast.seqAt(NOW + 10 * SECOND);

        long restart = NOW + 11 * SECOND;
        SeqClock slow = SeqClocks.resolve(file, devices("10s"), restart).get("b:=c");
        assertThat(slow.intervalNanos()).isEqualTo(10 * SECOND);
        long firstSlowSeq = slow.firstSlotFrom(restart);
        assertThat(firstSlowSeq).isGreaterThan(fast.seqAt(restart)).isGreaterThan(lastFastSeq);
        assertThat(slow.slotStart(firstSlowSeq + 10) - slow.slotStart(firstSlowSeq)).isEqualTo(100 * SECOND);

        // And the change itself is kept: the next start uses the rebased clock as it is.
        assertThat(SeqClocks.resolve(file, devices("10s"), restart + 200 * SECOND).get("b:=c")).isEqualTo(slow);
    }

    @Test
    void aDamagedEntryIsAnErrorNotASilentRenumbering() throws IOException {
        Path file = Files.writeString(dir.resolve("seq-clocks.properties"), "a=100 nonsense\n");
        assertThatThrownBy(() -> SeqClocks.resolve(file, devices("100ms"), NOW))
                .isInstanceOf(IOException.class).hasMessageContaining("the entry of device a is not");
    }
}

package io.flatline.ingest.poll;

import io.flatline.ingest.devicemap.Device;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Keeps each device's {@link SeqClock} in a small state file, so that changing a device's interval continues its
 * numbering instead of restarting it lower. The file is read and, when a device is new or its interval changed,
 * rewritten (atomically) once at start; polling never touches it, and a crash loses nothing it needs.
 */
public final class SeqClocks {
    private SeqClocks() {
    }

    /** The clocks of {@code devices}: as stored when their interval is unchanged, else continuing from there. */
    public static Map<String, SeqClock> resolve(Path file, List<Device> devices, long nowEpochNanos) throws IOException {
        Properties state = new Properties();
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                state.load(reader);
            }
        }
        Map<String, SeqClock> clocks = new HashMap<>();
        boolean changed = false;
        for (Device device : devices) {
            SeqClock fresh = SeqClock.forDevice(device.id(), device.interval());
            String entry = state.getProperty(device.id());
            SeqClock stored = entry == null ? null : parse(file, device.id(), entry);
            SeqClock clock;
            if (stored == null) {
                clock = fresh;
            } else if (stored.intervalNanos() == fresh.intervalNanos()) {
                clock = stored;
            } else {
                clock = new SeqClock(fresh.intervalNanos(), fresh.phaseNanos(), nowEpochNanos, stored.seqAt(nowEpochNanos) + 1);
            }
            clocks.put(device.id(), clock);
            if (!clock.equals(stored)) {
                state.setProperty(device.id(), format(clock));
                changed = true;
            }
        }
        if (changed) {
            write(file, state);
        }
        return clocks;
    }

    private static SeqClock parse(Path file, String id, String entry) throws IOException {
        String[] parts = entry.trim().split("\\s+");
        try {
            return new SeqClock(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                    Long.parseLong(parts[3]));
        } catch (RuntimeException e) {
            throw new IOException(file + ": the entry of device " + id + " is not 'intervalNanos phaseNanos "
                    + "originEpochNanos base': " + entry);
        }
    }

    private static String format(SeqClock clock) {
        return clock.intervalNanos() + " " + clock.phaseNanos() + " " + clock.originEpochNanos() + " " + clock.base();
    }

    private static void write(Path file, Properties state) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (Writer writer = Files.newBufferedWriter(temp)) {
                state.store(writer, "Flatline ingest: each device's poll numbering (seq); see docs/ingest.md");
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}

package io.flatline.ingest.cli;

import io.flatline.ingest.devicemap.Board;
import io.flatline.ingest.devicemap.Channel;
import io.flatline.ingest.devicemap.Device;
import io.flatline.ingest.devicemap.DeviceMap;
import io.flatline.ingest.devicemap.DeviceMapException;
import io.flatline.ingest.devicemap.DeviceMapLoader;
import io.flatline.ingest.devicemap.ValidRange;
import io.flatline.ingest.metrics.IngestMetrics;
import io.flatline.ingest.modbus.RegisterReader;
import io.flatline.ingest.poll.DevicePoller;
import io.flatline.ingest.poll.IngestService;
import io.flatline.ingest.poll.MonotonicClock;
import io.flatline.ingest.poll.PollDecoder;
import io.flatline.ingest.registers.RegisterRange;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@code flatline ingest check}: validates a device map and, with {@code --probe}, reads each device once. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a device map; with --probe, read every device once and print the decoded values.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the map is valid (and, with --probe, every device answered)", "1:the map is invalid",
                "2:bad usage", "3:a probed device did not answer, or a value is out of range"})
final class CheckCommand implements Callable<Integer> {
    private static final int PROBE_THREADS = 16;

    @Spec
    private CommandSpec spec;

    @Option(names = "--devices", required = true, paramLabel = "FILE", description = "The device map (YAML).")
    private Path devices;

    @Option(names = "--probe", description = "Read each device once (read-only) and print what it decoded.")
    private boolean probe;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        DeviceMap map;
        try {
            map = DeviceMapLoader.load(devices);
        } catch (DeviceMapException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 1;
        }
        out.printf("%s: %d devices, valid%n", devices, map.devices().size());
        if (!probe) {
            map.devices().forEach(d -> out.println(summary(d)));
            return 0;
        }
        List<Future<Probe>> reports = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PROBE_THREADS, map.devices().size()));
        IngestMetrics metrics = new IngestMetrics();
        MonotonicClock clock = new MonotonicClock();
        boolean allGood = true;
        try {
            for (Device device : map.devices()) {
                reports.add(pool.submit(() -> probe(device, metrics, clock)));
            }
            for (Future<Probe> report : reports) {
                Probe result = report.get();
                allGood &= result.quality() == Quality.GOOD;
                out.print(result.text());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        out.flush();
        return allGood ? 0 : 3;
    }

    private record Probe(Quality quality, String text) {
    }

    private static Probe probe(Device device, IngestMetrics metrics, MonotonicClock clock) {
        try (RegisterReader reader = IngestService.reader(device)) {
            DevicePoller poller = new DevicePoller(device, reader, metrics.device(device.id()), clock);
            long started = System.nanoTime();
            DevicePoller.Poll poll = poller.poll(0);
            double millis = (System.nanoTime() - started) / 1e6;
            StringBuilder text = new StringBuilder(summary(device));
            SensorReading reading = poll.reading();
            text.append(String.format(Locale.ROOT, "%n  %s: %s in %.1f ms", device.id(), reading.getQuality(), millis));
            if (reading.getQuality() == Quality.READ_ERROR) {
                text.append(": ").append(poll.error().orElse("")).append(System.lineSeparator());
                return new Probe(reading.getQuality(), text.toString());
            }
            text.append(System.lineSeparator());
            for (int i = 0; i < device.channels().size(); i++) {
                Channel channel = device.channels().get(i);
                float value = reading.getValues().get(i);
                text.append(String.format(Locale.ROOT, "    %-20s %16s%s%n", channel.name(), value,
                        channel.validRange().contains(value) ? "" : "   out of range " + range(channel.validRange())));
            }
            poll.board().ifPresent(report -> text.append(board(device.board().orElseThrow(), report)));
            return new Probe(reading.getQuality(), text.toString());
        }
    }

    private static String board(Board board, PollDecoder.BoardReport report) {
        List<Byte> values = new ArrayList<>();
        for (byte b : report.netOut()) {
            values.add(b);
        }
        return String.format(Locale.ROOT, "    board: inference %d, input CRC-32 %s, net_out %s%s%n",
                report.counter(), report.inputCrc32().map(crc -> String.format("%08x", crc)).orElse("-"),
                values, board.modelId().map(id -> ", model " + id).orElse(""));
    }

    private static String millis(Duration duration) {
        return duration.toMillis() + "ms";
    }

    private static String range(ValidRange range) {
        return "[" + range.min() + ", " + range.max() + "]";
    }

    private static String summary(Device device) {
        List<RegisterRange> blocks = device.blocks();
        return String.format(Locale.ROOT, "  %s: %s unit %d every %s, %d channels%s, %d block reads %s",
                device.id(), device.endpoint(), device.unitId(), millis(device.interval()), device.channels().size(),
                device.board().isPresent() ? " + board" : "", blocks.size(),
                blocks.stream().map(b -> b.kind().name().toLowerCase(Locale.ROOT).charAt(0) + "" + b.start() + "+" + b.count()).toList());
    }
}

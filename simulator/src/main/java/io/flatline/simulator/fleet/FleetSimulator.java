package io.flatline.simulator.fleet;

import io.flatline.model.engine.Model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fleet of {@link VirtualBoard}s, each its own Modbus TCP slave on 127.0.0.1, and the device map that points
 * ingest at them. Boards that run the same model share one loaded {@link Model}; each board has its own NPU
 * (interpreter). {@link #close()} stops every board and releases every port and thread.
 */
public final class FleetSimulator implements AutoCloseable {

    /** The default poll interval of the device map: one sample per 10 Hz step. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

    private final List<VirtualBoard> boards;

    private FleetSimulator(List<VirtualBoard> boards) {
        this.boards = List.copyOf(boards);
    }

    /** Starts every board; if one cannot start (its port is taken), the ones already started are closed. */
    public static FleetSimulator start(List<BoardSpec> specs) throws IOException {
        Set<String> ids = new HashSet<>();
        for (BoardSpec spec : specs) {
            if (!ids.add(spec.id())) {
                throw new IllegalArgumentException("Two boards are called " + spec.id());
            }
        }
        Map<BoardModel, Model> loaded = new HashMap<>();
        List<VirtualBoard> started = new ArrayList<>();
        try {
            for (BoardSpec spec : specs) {
                Model model = loaded.computeIfAbsent(spec.model(), BoardModel::load);
                started.add(VirtualBoard.start(spec, model));
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(VirtualBoard::close);
            throw e;
        }
        return new FleetSimulator(started);
    }

    /**
     * The usual fleet: {@code count} boards {@code board-01}.., the first ones with {@code faults} in order and
     * the rest healthy. Saturated-model boards run {@code saturated}, the others {@code model}. Board {@code i}
     * (1-based) listens on {@code basePort + i - 1}, or on any free port when {@code basePort} is 0, and its
     * signals are seeded with {@code seed + i}.
     */
    public static List<BoardSpec> plan(int count, List<Fault> faults, BoardModel model, BoardModel saturated,
                                       int basePort, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("A fleet needs at least one board, got " + count);
        }
        if (faults.size() > count) {
            throw new IllegalArgumentException(faults.size() + " faults for " + count + " boards: give one board per fault");
        }
        if (basePort != 0 && (basePort < 1 || basePort + count - 1 > 65535)) {
            throw new IllegalArgumentException("Ports " + basePort + ".." + (basePort + count - 1) + " run past 65535");
        }
        List<BoardSpec> specs = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            Fault fault = i <= faults.size() ? faults.get(i - 1) : Fault.HEALTHY;
            BoardModel runs = fault == Fault.SATURATED_MODEL ? saturated : model;
            specs.add(new BoardSpec(BoardSpec.deviceId(i), fault, runs, seed + i, basePort == 0 ? 0 : basePort + i - 1));
        }
        return specs;
    }

    public List<VirtualBoard> boards() {
        return boards;
    }

    public VirtualBoard board(String id) {
        return boards.stream().filter(b -> b.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No board " + id));
    }

    /** Device id → port, in board order. */
    public Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        boards.forEach(b -> ports.put(b.id(), b.port()));
        return ports;
    }

    /** The device map ingest reads to poll every board, at {@link #DEFAULT_INTERVAL}. */
    public String deviceMap() {
        return deviceMap(DEFAULT_INTERVAL);
    }

    /** The device map ingest reads to poll every board at {@code interval}. */
    public String deviceMap(Duration interval) {
        int outputs = boards.isEmpty() ? 5 : boards.get(0).outputs();
        for (VirtualBoard board : boards) {
            if (board.outputs() != outputs) {
                throw new IllegalStateException("Boards report " + outputs + " and " + board.outputs()
                        + " outputs; one device map block cannot describe both");
            }
        }
        return DeviceMaps.yaml(ports(), outputs, interval);
    }

    /** Writes {@link #deviceMap(Duration)} to {@code file} (parent directories created) and returns the file. */
    public Path writeDeviceMap(Path file, Duration interval) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, deviceMap(interval));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the device map " + file, e);
        }
    }

    public Path writeDeviceMap(Path file) {
        return writeDeviceMap(file, DEFAULT_INTERVAL);
    }

    /** Stops every board. Idempotent. */
    @Override
    public void close() {
        boards.forEach(VirtualBoard::close);
    }
}

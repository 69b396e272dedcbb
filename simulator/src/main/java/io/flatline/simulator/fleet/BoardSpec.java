package io.flatline.simulator.fleet;

import java.util.Objects;

/**
 * One simulated board.
 *
 * @param id     the device id ingest will publish under, e.g. {@code board-01}
 * @param fault  how it misbehaves
 * @param model  what it runs (and how it preprocesses)
 * @param seed   its signals' seed
 * @param port   its Modbus TCP port on 127.0.0.1; 0 for any free port
 * @param timing when its fault strikes
 */
public record BoardSpec(String id, Fault fault, BoardModel model, long seed, int port, Fault.Timing timing) {

    public BoardSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(timing, "timing");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
    }

    public BoardSpec(String id, Fault fault, BoardModel model, long seed, int port) {
        this(id, fault, model, seed, port, Fault.Timing.DEFAULT);
    }

    /** The conventional device id of the {@code index}-th board (1-based): board-01, board-02, ... */
    public static String deviceId(int index) {
        return String.format("board-%02d", index);
    }
}

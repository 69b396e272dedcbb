package io.flatline.deploy.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.flatline.schemas.BoardInference;
import io.flatline.schemas.SensorReading;
import org.apache.avro.specific.SpecificRecord;

/**
 * Carries one board's readings and reports to the topology in the order its delivery fault says: as ingest
 * publishes them (a poll's reading, then the report read with it), or early, late, swapped in pairs, or lost.
 */
final class Courier {

    static final int LATE_BY = 10;
    static final double MISSING_SHARE = 0.10;

    private record Held(long due, BoardInference report) {
    }

    private final ScenarioBoard board;
    private final SplittableRandom losses;
    private final List<Held> held = new ArrayList<>();

    Courier(ScenarioBoard board) {
        this.board = board;
        this.losses = new SplittableRandom(board.seed() ^ 0x10557L);
    }

    /** What to pipe at poll {@code window}, in order: its reading, its report if the board made one, held reports. */
    List<SpecificRecord> deliver(long window, SensorReading reading, BoardInference report) {
        List<SpecificRecord> out = new ArrayList<>(3);
        ScenarioFault fault = board.at(window).fault();
        if (report == null) {
            out.add(reading);
        } else if (fault == ScenarioFault.EARLY_REPORTS) {
            out.add(report);
            out.add(reading);
        } else {
            out.add(reading);
            switch (fault) {
                case LATE_REPORTS -> held.add(new Held(window + LATE_BY, report));
                case SWAPPED_REPORTS -> {
                    if (window % 2 == 1) {
                        held.add(new Held(window + 1, report));
                    } else {
                        out.add(report);
                    }
                }
                case MISSING_REPORTS -> {
                    if (losses.nextDouble() >= MISSING_SHARE) {
                        out.add(report);
                    }
                }
                default -> out.add(report);
            }
        }
        while (!held.isEmpty() && held.get(0).due() <= window) {
            out.add(held.remove(0).report());
        }
        return out;
    }
}

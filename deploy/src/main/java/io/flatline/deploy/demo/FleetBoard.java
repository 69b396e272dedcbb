package io.flatline.deploy.demo;

import java.util.List;

import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.OpenEpisode;

/**
 * What the live view knows of one board: its latest health, with its open root-cause episodes. Built from the
 * device-health topic only, as any dashboard would.
 *
 * @param fault    the fault the simulator gave the board, shown beside what Flatline found
 * @param episodes the open root causes, each with its diagnosis and the alarms it raised (first-out first)
 */
public record FleetBoard(String deviceId, String fault, String label, Double exactMatchRate, Long compared,
                         List<OpenEpisode> episodes) {

    public FleetBoard {
        episodes = List.copyOf(episodes);
    }

    public static FleetBoard of(String deviceId, String fault) {
        return new FleetBoard(deviceId, fault, null, null, null, List.of());
    }

    public FleetBoard with(DeviceHealth health) {
        return new FleetBoard(deviceId, fault, health.getLabel(), health.getExactMatchRate(),
                health.getComparedWindows(), health.getEpisodes());
    }

    /** One root cause as an operator reads it: the diagnosis, the alarm to act on, what else it raised. */
    static String describe(OpenEpisode e) {
        List<String> kinds = e.getKinds();
        StringBuilder out = new StringBuilder(e.getDiagnosis()).append(": ").append(kinds.get(0));
        if (kinds.size() > 1) {
            out.append(" +").append(kinds.size() - 1);
        }
        if (e.getReturns() > 0) {
            out.append(", intermittent (back ").append(e.getReturns()).append("x)");
        }
        return out.toString();
    }
}

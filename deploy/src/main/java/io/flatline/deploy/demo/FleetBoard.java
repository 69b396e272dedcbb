package io.flatline.deploy.demo;

import java.util.LinkedHashMap;
import java.util.Map;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.DeviceHealth;

/**
 * What the live view knows of one board: its latest health and its open alerts with their diagnosis. Built
 * from the device-health and alerts topics only, as any dashboard would.
 *
 * @param fault      the fault the simulator gave the board, shown beside what Flatline found
 * @param openAlerts open alert kind (with source) to its diagnosis
 */
public record FleetBoard(String deviceId, String fault, String label, Double exactMatchRate, Long compared,
                         Map<String, String> openAlerts) {

    public FleetBoard {
        openAlerts = Map.copyOf(openAlerts);
    }

    public static FleetBoard of(String deviceId, String fault) {
        return new FleetBoard(deviceId, fault, null, null, null, Map.of());
    }

    public FleetBoard with(DeviceHealth health) {
        return new FleetBoard(deviceId, fault, health.getLabel(), health.getExactMatchRate(),
                health.getComparedWindows(), openAlerts);
    }

    public FleetBoard with(Alert alert) {
        Map<String, String> open = new LinkedHashMap<>(openAlerts);
        String key = alert.getKind() + "/" + alert.getSource();
        if (alert.getState() == AlertState.RAISED) {
            open.put(key, alert.getDiagnosis().name());
        } else {
            open.remove(key);
        }
        return new FleetBoard(deviceId, fault, label, exactMatchRate, compared, open);
    }
}

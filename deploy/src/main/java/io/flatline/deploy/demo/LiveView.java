package io.flatline.deploy.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.DeviceHealth;

/**
 * The demo's terminal view: one line per board (the simulated fault, the reference's label, agreement with
 * the reference, open alerts with their diagnosis) and the latest alert edges with their evidence.
 * Rendering is a pure function of what the topics said, so it is tested without a terminal.
 */
public final class LiveView {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final int EVENTS = 12;

    private final Map<String, FleetBoard> boards = new TreeMap<>();
    private final Deque<String> events = new ArrayDeque<>();
    private final Instant started;

    public LiveView(Map<String, String> faults, Instant started) {
        faults.forEach((device, fault) -> boards.put(device, FleetBoard.of(device, fault)));
        this.started = started;
    }

    public synchronized void onHealth(DeviceHealth health) {
        boards.compute(health.getDeviceId(), (id, b) -> (b == null ? FleetBoard.of(id, "?") : b).with(health));
    }

    /** Records an alert edge; returns the line it adds to the event log. */
    public synchronized String onAlert(Alert alert) {
        boards.compute(alert.getDeviceId(), (id, b) -> (b == null ? FleetBoard.of(id, "?") : b).with(alert));
        String line = String.format(Locale.ROOT, "%s %-8s %-9s %-16s %-9s %-22s %s",
                CLOCK.format(alert.getTimestamp()), alert.getState(), alert.getDeviceId(), alert.getKind(),
                alert.getSource(), alert.getState() == AlertState.RAISED ? alert.getDiagnosis() : "",
                alert.getState() == AlertState.RAISED ? alert.getEvidence() : "after " + alert.getRunLength() + " windows");
        events.addFirst(line);
        while (events.size() > EVENTS) {
            events.removeLast();
        }
        return line;
    }

    public synchronized Collection<FleetBoard> boards() {
        return List.copyOf(boards.values());
    }

    public synchronized String render(Instant now, int width) {
        StringBuilder out = new StringBuilder();
        Duration up = Duration.between(started, now);
        out.append(String.format(Locale.ROOT, "Flatline demo — %d boards — up %d:%02d — Ctrl-C stops%n%n",
                boards.size(), up.toMinutes(), up.toSecondsPart()));
        out.append(String.format(Locale.ROOT, "%-10s %-24s %-14s %-10s %s%n", "BOARD", "SIMULATED FAULT", "LABEL",
                "AGREEMENT", "OPEN ALERTS (diagnosis)"));
        for (FleetBoard b : boards.values()) {
            String agreement = b.exactMatchRate() == null ? "-" : String.format(Locale.ROOT, "%5.1f%%", 100 * b.exactMatchRate());
            String alerts = b.openAlerts().isEmpty() ? "ok" : String.join(", ", b.openAlerts().entrySet().stream()
                    .map(e -> e.getKey() + " (" + e.getValue() + ")").toList());
            out.append(clip(String.format(Locale.ROOT, "%-10s %-24s %-14s %-10s %s", b.deviceId(), b.fault(),
                    b.label() == null ? "-" : b.label(), agreement, alerts), width)).append('\n');
        }
        out.append("\nLatest alerts:\n");
        if (events.isEmpty()) {
            out.append("  (none yet: boards need 50 readings for a first window)\n");
        }
        for (String e : events) {
            out.append(clip("  " + e, width)).append('\n');
        }
        return out.toString();
    }

    private static String clip(String line, int width) {
        return line.length() <= width ? line : line.substring(0, Math.max(0, width - 1)) + "…";
    }
}

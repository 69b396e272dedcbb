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
 * the reference, its open root causes: the diagnosis, the first-out alarm and how many others the same cause
 * raised, and whether it keeps coming back) and the latest alert edges, each saying whether it is the alarm to act
 * on or a consequence of one already raised.
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
        boards.computeIfAbsent(alert.getDeviceId(), id -> FleetBoard.of(id, "?"));
        String what;
        if (alert.getState() == AlertState.RAISED) {
            what = alert.getFirstOut() ? alert.getSeverity() + " " + alert.getEvidence()
                    : "same cause as " + alert.getEpisodeId() + " (" + alert.getSeverity() + ")";
        } else {
            what = "after " + alert.getRunLength() + " windows" + (alert.getReturns() > 0
                    ? ", came back " + alert.getReturns() + "x" : "");
        }
        String line = String.format(Locale.ROOT, "%s %-8s %-9s %-26s %-22s %s",
                CLOCK.format(alert.getTimestamp()), alert.getState(), alert.getDeviceId(),
                alert.getSource() + "/" + alert.getKind(), alert.getDiagnosis(), what);
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
        long causes = boards.values().stream().mapToLong(b -> b.episodes().size()).sum();
        long flagged = boards.values().stream().filter(b -> !b.episodes().isEmpty()).count();
        out.append(String.format(Locale.ROOT, "%d root cause%s open on %d board%s%n%n", causes, causes == 1 ? "" : "s",
                flagged, flagged == 1 ? "" : "s"));
        out.append(String.format(Locale.ROOT, "%-10s %-24s %-14s %-10s %s%n", "BOARD", "SIMULATED FAULT", "LABEL",
                "AGREEMENT", "ROOT CAUSE: ALARM TO ACT ON +OTHERS IT RAISED"));
        for (FleetBoard b : boards.values()) {
            String agreement = b.exactMatchRate() == null ? "-" : String.format(Locale.ROOT, "%5.1f%%", 100 * b.exactMatchRate());
            String alerts = b.episodes().isEmpty() ? "ok"
                    : String.join("; ", b.episodes().stream().map(FleetBoard::describe).toList());
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

package io.flatline.deploy.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.OpenEpisode;

/**
 * The demo's terminal view: one line per board (the simulated fault, the reference's label, agreement with
 * the reference, its open root causes: the diagnosis, the first-out alarm and how many others the same cause
 * raised, and whether it keeps coming back), then each open root cause with the evidence for its diagnosis wrapped
 * to the terminal's width, then the latest alert edges, each saying whether it is the alarm to act on or a
 * consequence of one already raised.
 * Rendering is a pure function of what the topics said, so it is tested without a terminal.
 */
public final class LiveView {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final int EVENTS = 8;
    /** Where a root cause's evidence starts under its board: past the board column. */
    private static final int INDENT = 11;

    private final Map<String, FleetBoard> boards = new TreeMap<>();
    private final Deque<String> events = new ArrayDeque<>();
    /** The first-out alarm of each episode, raised: the evidence for the episode's diagnosis. */
    private final Map<String, Alert> firstOuts = new HashMap<>();
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
            if (alert.getFirstOut()) {
                firstOuts.put(alert.getEpisodeId(), alert);
            }
            what = alert.getFirstOut() ? alert.getSeverity() + ", act on this"
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
        out.append(clip(String.format(Locale.ROOT, "%-10s %-24s %-14s %-10s %s", "BOARD", "SIMULATED FAULT", "LABEL",
                "AGREEMENT", "ROOT CAUSE: ALARM TO ACT ON +OTHERS IT RAISED"), width)).append('\n');
        for (FleetBoard b : boards.values()) {
            String agreement = b.exactMatchRate() == null ? "-" : String.format(Locale.ROOT, "%5.1f%%", 100 * b.exactMatchRate());
            String alerts = b.episodes().isEmpty() ? "ok"
                    : String.join("; ", b.episodes().stream().map(FleetBoard::describe).toList());
            out.append(clip(String.format(Locale.ROOT, "%-10s %-24s %-14s %-10s %s", b.deviceId(), b.fault(),
                    b.label() == null ? "-" : b.label(), agreement, alerts), width)).append('\n');
        }
        rootCauses(out, width);
        out.append("\nLatest alerts:\n");
        if (events.isEmpty()) {
            out.append("  (none yet: boards need 50 readings for a first window)\n");
        }
        for (String e : events) {
            out.append(clip("  " + e, width)).append('\n');
        }
        return out.toString();
    }

    /** Each open root cause, its alarm to act on, and the evidence for its diagnosis, wrapped under it. */
    private void rootCauses(StringBuilder out, int width) {
        if (firstOuts.size() > 4 * boards.size()) {
            // Episodes that closed long ago: keep the open ones' evidence only.
            firstOuts.keySet().retainAll(boards.values().stream().flatMap(b -> b.episodes().stream())
                    .map(OpenEpisode::getEpisodeId).toList());
        }
        if (boards.values().stream().allMatch(b -> b.episodes().isEmpty())) {
            return;
        }
        out.append("\nRoot causes, and why:\n");
        for (FleetBoard b : boards.values()) {
            for (OpenEpisode e : b.episodes()) {
                out.append(clip(String.format(Locale.ROOT, "%-" + (INDENT - 1) + "s %s", b.deviceId(),
                        FleetBoard.describe(e)), width)).append('\n');
                Alert first = firstOuts.get(e.getEpisodeId());
                if (first != null) {
                    wrap(first.getEvidence(), width, INDENT).forEach(line -> out.append(line).append('\n'));
                }
            }
        }
    }

    /** Text broken at spaces into lines of at most {@code width}, each indented; a longer word is cut. */
    static List<String> wrap(String text, int width, int indent) {
        int room = Math.max(10, width - indent);
        String pad = " ".repeat(indent);
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.strip().split("\\s+")) {
            while (word.length() > room) {
                if (!line.isEmpty()) {
                    lines.add(pad + line);
                    line.setLength(0);
                }
                lines.add(pad + word.substring(0, room));
                word = word.substring(room);
            }
            if (!line.isEmpty() && line.length() + 1 + word.length() > room) {
                lines.add(pad + line);
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        if (!line.isEmpty()) {
            lines.add(pad + line);
        }
        return lines;
    }

    private static String clip(String line, int width) {
        return line.length() <= width ? line : line.substring(0, Math.max(0, width - 1)) + "…";
    }
}

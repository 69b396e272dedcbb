package io.flatline.deploy.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.flatline.deploy.scenario.ScenarioBoard.Span;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSource;

/**
 * What a run of a {@link ScenarioPlan} measured, from its alert edges: per fault, how soon it was detected, what it
 * was diagnosed as, and how often it was raised; per healthy condition, its false alarms. A fault that comes back
 * on a board while the alarm of its previous stretch is still open (held as intermittent) raises nothing new: that
 * stretch counts as detected at once by the open alarm, and as such in the table.
 *
 * <p>An alarm raised on a board from a faulty span's first window until {@link #GRACE} windows after its end is
 * that fault's (an alert may come out after the fault is gone, as a mismatched window leaves the board's window);
 * when two such stretches overlap, the later fault's. Any other alarm is false. Healthy windows are the windows
 * the reference computes (from the first full window on) outside every faulty span and its grace.
 *
 * @param outcomes one per faulty span, in board and window order
 * @param healthy  per healthy condition: its spans, its healthy windows and its false alarms
 */
record ScenarioReport(int boards, long windows, List<Outcome> outcomes, Map<ScenarioFault, Condition> healthy) {

    static final Duration POLL = Duration.ofMillis(100);
    static final long GRACE = 300;
    static final long WINDOWS_PER_10_MIN = Duration.ofMinutes(10).dividedBy(POLL);
    static final long WINDOWS_PER_HOUR = Duration.ofHours(1).dividedBy(POLL);
    private static final int LISTED_FALSE_ALARMS = 20;

    /** An alert edge, RAISED unless said otherwise, at the poll during which the topology put it out. */
    record Alarm(String board, long window, AlertKind kind, AlertSource source, Finding finding, boolean firstOut,
                 boolean raised) {

        Alarm(String board, long window, AlertKind kind, AlertSource source, Finding finding, boolean firstOut) {
            this(board, window, kind, source, finding, firstOut, true);
        }

        /** Whether this is the CLEARED edge of {@code raise}'s alarm. */
        boolean clears(Alarm raise) {
            return !raised && board.equals(raise.board) && kind == raise.kind && source == raise.source
                    && window >= raise.window;
        }
    }

    /** A healthy condition: how many spans had it, their healthy windows, and the alarms raised in them. */
    record Condition(int spans, long windows, List<Alarm> falseAlarms) {
        Condition {
            falseAlarms = List.copyOf(falseAlarms);
        }

        Condition plus(Condition other) {
            List<Alarm> alarms = new ArrayList<>(falseAlarms);
            alarms.addAll(other.falseAlarms);
            return new Condition(spans + other.spans, windows + other.windows, alarms);
        }
    }

    /**
     * One faulty span and the alarms attributed to it, in the order they were raised; {@code onset} is the span's
     * first window, or the first window the reference computes if that is later: no fault shows before it.
     * {@code carried} is an alarm of an earlier faulty span of the board still open at the onset, if any.
     */
    record Outcome(String board, Span span, long onset, List<Alarm> alarms, Optional<Alarm> carried) {
        Outcome {
            alarms = List.copyOf(alarms);
        }

        boolean detected() {
            return !alarms.isEmpty() || carried.isPresent();
        }

        ScenarioFault fault() {
            return span.fault();
        }

        /** Windows from the onset to the first alarm; 0 when an alarm was still open. */
        OptionalLong delay() {
            if (alarms.isEmpty()) {
                return carried.isPresent() ? OptionalLong.of(0) : OptionalLong.empty();
            }
            return OptionalLong.of(alarms.get(0).window() - onset);
        }

        /** The diagnosis that counts: the first first-out alarm's, else the first alarm's, else the open one's. */
        Finding finding() {
            return alarms.stream().filter(Alarm::firstOut).findFirst().or(() -> alarms.stream().findFirst())
                    .or(() -> carried).map(Alarm::finding).orElse(Finding.MISSED);
        }

        /** The most RAISED records of one (kind, source): the board is this outcome's. */
        long raisesPerSource() {
            return alarms.stream().collect(Collectors.groupingBy(a -> List.of(a.kind(), a.source()),
                    Collectors.counting())).values().stream().mapToLong(Long::longValue).max().orElse(0);
        }

        /** How many RAISED records of one (kind, source) the fault may have: once, or once per 10 minutes. */
        long allowedRaises() {
            return fault().intermittent() ? (span.length() + WINDOWS_PER_10_MIN - 1) / WINDOWS_PER_10_MIN : 1;
        }

        /** The most RAISED records of one (kind, source) within any 10 minutes (ISA-18.2's measure of chattering). */
        long chattering() {
            long most = 0;
            Map<List<Object>, List<Long>> bySource = alarms.stream().collect(Collectors.groupingBy(
                    a -> List.of(a.kind(), a.source()), Collectors.mapping(Alarm::window, Collectors.toList())));
            for (List<Long> windows : bySource.values()) {
                for (int first = 0, last = 0; last < windows.size(); last++) {
                    while (windows.get(last) - windows.get(first) >= WINDOWS_PER_10_MIN) {
                        first++;
                    }
                    most = Math.max(most, last - first + 1);
                }
            }
            return most;
        }
    }

    ScenarioReport {
        outcomes = List.copyOf(outcomes);
        healthy = Collections.unmodifiableMap(new TreeMap<>(healthy));
    }

    /**
     * Attributes {@code alarms} (in the order raised) to the plan's faults, and counts its healthy windows;
     * {@code firstWindow} is the first window the reference computes (the model's window length).
     */
    static ScenarioReport of(ScenarioPlan plan, long firstWindow, List<Alarm> edges) {
        List<Alarm> alarms = edges.stream().filter(Alarm::raised).toList();
        List<Alarm> clears = edges.stream().filter(a -> !a.raised()).toList();
        Map<String, List<Alarm>> byBoard = alarms.stream().collect(Collectors.groupingBy(Alarm::board));
        List<Outcome> outcomes = new ArrayList<>();
        Map<ScenarioFault, Condition> healthy = new EnumMap<>(ScenarioFault.class);
        for (ScenarioBoard board : plan.boards()) {
            List<Span> faulty = board.timeline().stream().filter(s -> s.fault().faulty()).toList();
            Map<Span, List<Alarm>> attributed = new LinkedHashMap<>();
            board.timeline().forEach(s -> attributed.put(s, new ArrayList<>()));
            for (Alarm alarm : byBoard.getOrDefault(board.id(), List.of())) {
                Span span = faulty.stream().filter(s -> s.from() <= alarm.window() && alarm.window() < s.to() + GRACE)
                        .max(Comparator.comparingLong(Span::from)).orElseGet(() -> board.at(alarm.window()));
                attributed.get(span).add(alarm);
            }
            List<Alarm> ofFaults = attributed.entrySet().stream().filter(e -> e.getKey().fault().faulty())
                    .flatMap(e -> e.getValue().stream()).toList();
            attributed.forEach((span, raised) -> {
                if (span.fault().faulty()) {
                    long onset = Math.max(span.from(), firstWindow);
                    Optional<Alarm> carried = ofFaults.stream()
                            .filter(a -> a.window() < onset && clearedAt(a, clears) >= onset).findFirst();
                    outcomes.add(new Outcome(board.id(), span, onset, raised, carried));
                } else {
                    healthy.merge(span.fault(), new Condition(1, healthyWindows(span, faulty, firstWindow,
                            plan.windows()), raised), Condition::plus);
                }
            });
        }
        return new ScenarioReport(plan.boards().size(), plan.windows(), outcomes, healthy);
    }

    /** When {@code raise}'s alarm cleared: the first CLEARED edge of its kind and source after it; never if none. */
    private static long clearedAt(Alarm raise, List<Alarm> clears) {
        return clears.stream().filter(c -> c.clears(raise)).mapToLong(Alarm::window).min().orElse(Long.MAX_VALUE);
    }

    private static long healthyWindows(Span span, List<Span> faulty, long firstWindow, long lastWindow) {
        long count = 0;
        for (long window = Math.max(span.from(), firstWindow); window < Math.min(span.to(), lastWindow + 1); window++) {
            boolean inGrace = false;
            for (Span fault : faulty) {
                inGrace |= fault.to() <= window && window < fault.to() + GRACE;
            }
            count += inGrace ? 0 : 1;
        }
        return count;
    }

    List<Outcome> outcomes(ScenarioFault fault) {
        return outcomes.stream().filter(o -> o.fault() == fault).toList();
    }

    /** The faults the plan had, in {@link ScenarioFault} order. */
    List<ScenarioFault> faults() {
        return outcomes.stream().map(Outcome::fault).distinct().sorted().toList();
    }

    /** The median detection delay of a fault's detected spans (the lower one of an even count). */
    OptionalLong p50Delay(ScenarioFault fault) {
        long[] delays = delays(fault);
        return delays.length == 0 ? OptionalLong.empty() : OptionalLong.of(delays[(delays.length - 1) / 2]);
    }

    OptionalLong maxDelay(ScenarioFault fault) {
        long[] delays = delays(fault);
        return delays.length == 0 ? OptionalLong.empty() : OptionalLong.of(delays[delays.length - 1]);
    }

    private long[] delays(ScenarioFault fault) {
        return outcomes(fault).stream().map(Outcome::delay).filter(OptionalLong::isPresent)
                .mapToLong(OptionalLong::getAsLong).sorted().toArray();
    }

    long healthyWindows() {
        return healthy.values().stream().mapToLong(Condition::windows).sum();
    }

    /** Every alarm outside every faulty span and its grace. */
    List<Alarm> falseAlarms() {
        return healthy.values().stream().flatMap(c -> c.falseAlarms().stream()).toList();
    }

    /** Every alarm the run raised. */
    long alarms() {
        return falseAlarms().size() + outcomes.stream().mapToLong(o -> o.alarms().size()).sum();
    }

    /** The report as Markdown: faults, the confusion matrix, healthy conditions, the first false alarms. */
    String table() {
        StringBuilder t = new StringBuilder();
        long healthyWindows = healthyWindows();
        t.append(String.format(Locale.ROOT, "%d boards x %d windows (%.1f board-hours at %d ms a window), %d healthy"
                        + " windows; grace %d windows; %d alarms, %.2f per board-hour%n%n", boards, windows,
                boards * (double) windows / WINDOWS_PER_HOUR, POLL.toMillis(), healthyWindows, GRACE, alarms(),
                perHour(alarms(), boards * windows)));

        t.append("| fault | expected | spans | detected | delay p50 (target) | delay max | right diagnosis"
                + " | RAISED per board, kind, source: max (allowed) | RAISED of one alarm in any 10 min: max"
                + " | alarms per board-hour |\n");
        t.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (ScenarioFault fault : faults()) {
            List<Outcome> of = outcomes(fault);
            long detected = of.stream().filter(Outcome::detected).count();
            long carried = of.stream().filter(o -> o.alarms().isEmpty() && o.carried().isPresent()).count();
            long right = of.stream().filter(o -> fault.expected().equals(Optional.of(o.finding()))).count();
            long raised = of.stream().mapToLong(o -> o.alarms().size()).sum();
            long windows = of.stream().mapToLong(o -> o.span().length()).sum();
            t.append(String.format(Locale.ROOT,
                    "| %s | %s | %d | %d/%d%s | %s (%d) | %s | %d/%d | %d (%s) | %d | %.1f |%n", fault.label(),
                    fault.expected().orElseThrow(), of.size(), detected, of.size(),
                    carried == 0 ? "" : " (" + carried + " by an alarm still open)",
                    text(p50Delay(fault)), fault.delayTarget(), text(maxDelay(fault)), right, of.size(),
                    of.stream().mapToLong(Outcome::raisesPerSource).max().orElse(0),
                    fault.intermittent() ? "1 per 10 min" : "1",
                    of.stream().mapToLong(Outcome::chattering).max().orElse(0), perHour(raised, windows)));
        }

        t.append("\n| fault | expected |");
        for (Finding finding : Finding.values()) {
            t.append(' ').append(finding).append(" |");
        }
        t.append("\n|---|---|").append("--:|".repeat(Finding.values().length)).append('\n');
        for (ScenarioFault fault : faults()) {
            Map<Finding, Long> found = outcomes(fault).stream()
                    .collect(Collectors.groupingBy(Outcome::finding, Collectors.counting()));
            t.append("| ").append(fault.label()).append(" | ").append(fault.expected().orElseThrow()).append(" |");
            for (Finding finding : Finding.values()) {
                t.append(' ').append(found.getOrDefault(finding, 0L)).append(" |");
            }
            t.append('\n');
        }

        t.append("\n| condition | spans | healthy windows | false alarms | per million healthy windows"
                + " | alarms per board-hour |\n");
        t.append("|---|--:|--:|--:|--:|--:|\n");
        healthy.forEach((condition, c) -> t.append(row(condition.label(), c)));
        t.append(row("all", healthy.values().stream().reduce(Condition::plus)
                .orElse(new Condition(0, 0, List.of()))));

        List<Alarm> falseAlarms = falseAlarms();
        if (!falseAlarms.isEmpty()) {
            t.append(String.format(Locale.ROOT, "%nFalse alarms (the first %d of %d):%n%n",
                    Math.min(LISTED_FALSE_ALARMS, falseAlarms.size()), falseAlarms.size()));
            falseAlarms.stream().limit(LISTED_FALSE_ALARMS).forEach(a -> t.append(String.format(Locale.ROOT,
                    "- %s, window %d: %s/%s, %s%n", a.board(), a.window(), a.kind(), a.source(), a.finding())));
        }
        return t.toString();
    }

    private static String row(String name, Condition c) {
        return String.format(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.2f |%n", name, c.spans(), c.windows(),
                c.falseAlarms().size(), perMillion(c.falseAlarms().size(), c.windows()),
                perHour(c.falseAlarms().size(), c.windows()));
    }

    private static String text(OptionalLong value) {
        return value.isPresent() ? Long.toString(value.getAsLong()) : "-";
    }

    private static double perMillion(long count, long windows) {
        return windows == 0 ? 0 : count * 1e6 / windows;
    }

    private static double perHour(long count, long windows) {
        return windows == 0 ? 0 : count * (double) WINDOWS_PER_HOUR / windows;
    }
}

package io.flatline.streams.topology;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.flatline.schemas.BoardComparison;

/**
 * The board comparisons of one run keyed by window ({@code device@seq}), with what the order the inputs arrived
 * in must not change, and the differences between runs written compactly (windows as seq ranges), for the
 * arrival-order tests ({@link ArrivalOrderTopologyTest}, {@code ArrivalOrderEndToEndTest}).
 *
 * @param byWindow   each window's comparison
 * @param duplicates windows compared more than once
 */
public record ComparedWindows(Map<String, Compared> byWindow, List<String> duplicates) {

    /** A comparison as far as the arrival order must not change it. */
    public record Compared(Boolean inputMatch, String boardNetOut, String referenceNetOut, int maxAbsDiffLsb) {

        /** What a healthy board's report gives: equal inputs, the window's output on both sides. */
        public static Compared exact(byte[] netOut) {
            String out = HexFormat.of().formatHex(netOut);
            return new Compared(true, out, out, 0);
        }

        @Override
        public String toString() {
            return "inputMatch=" + inputMatch + " diff=" + maxAbsDiffLsb + (boardNetOut.equals(referenceNetOut)
                    ? " (same outputs)" : " board " + boardNetOut + " reference " + referenceNetOut);
        }
    }

    public static ComparedWindows of(Collection<BoardComparison> comparisons) {
        Map<String, Compared> byWindow = new TreeMap<>();
        List<String> duplicates = new ArrayList<>();
        for (BoardComparison c : comparisons) {
            String key = key(c.getDeviceId(), c.getWindowEndSeq());
            Compared compared = new Compared(c.getInputMatch(), HexFormat.of().formatHex(bytes(c.getBoardNetOut())),
                    HexFormat.of().formatHex(bytes(c.getReferenceNetOut())), c.getMaxAbsDiffLsb());
            if (byWindow.put(key, compared) != null) {
                duplicates.add(key);
            }
        }
        return new ComparedWindows(byWindow, duplicates);
    }

    public static String key(String device, long seq) {
        return String.format("%s@%04d", device, seq);
    }

    /** The comparisons that are not the expected ones, grouped by what they are: "inputMatch=false ...: d1 60-62". */
    public List<String> unlike(Map<String, Compared> expected) {
        Map<String, List<String>> byWhat = new TreeMap<>();
        byWindow.forEach((key, got) -> {
            if (!got.equals(expected.get(key))) {
                byWhat.computeIfAbsent(got + (expected.containsKey(key) ? "" : " (no such report)"),
                        k -> new ArrayList<>()).add(key);
            }
        });
        return byWhat.entrySet().stream().map(e -> e.getKey() + ": " + ranges(e.getValue())).toList();
    }

    /** The expected windows never compared, as seq ranges ("" if none). */
    public String missing(Map<String, Compared> expected) {
        Set<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(byWindow.keySet());
        return missing.isEmpty() ? "" : ranges(missing);
    }

    /**
     * Per run, how its comparisons differ from the first run's, as "first run's -> this run's: windows"; runs
     * that give the same comparisons are left out.
     */
    public static Map<String, List<String>> differences(Map<String, ComparedWindows> byRun) {
        Map<String, List<String>> differences = new LinkedHashMap<>();
        Map<String, Compared> baseline = byRun.values().iterator().next().byWindow();
        byRun.forEach((name, run) -> {
            Set<String> keys = new TreeSet<>(baseline.keySet());
            keys.addAll(run.byWindow().keySet());
            Map<String, List<String>> byChange = new TreeMap<>();
            for (String key : keys) {
                Compared was = baseline.get(key);
                Compared is = run.byWindow().get(key);
                if (was == null || !was.equals(is)) {
                    byChange.computeIfAbsent(describe(was) + " -> " + describe(is), k -> new ArrayList<>()).add(key);
                }
            }
            if (!byChange.isEmpty()) {
                differences.put(name, byChange.entrySet().stream().map(e -> e.getKey() + ": " + ranges(e.getValue()))
                        .toList());
            }
        });
        return differences;
    }

    private static String describe(Compared c) {
        return c == null ? "not compared" : c.toString();
    }

    /** Keys device@seq as each device's seq ranges, and how many: "d1 5-19 21, d2 5-19 (35)". */
    public static String ranges(Collection<String> keys) {
        Map<String, TreeSet<Long>> seqs = new TreeMap<>();
        for (String key : keys) {
            int at = key.lastIndexOf('@');
            seqs.computeIfAbsent(key.substring(0, at), d -> new TreeSet<>()).add(Long.parseLong(key.substring(at + 1)));
        }
        List<String> out = new ArrayList<>();
        seqs.forEach((device, set) -> {
            StringBuilder b = new StringBuilder(device);
            long from = set.first();
            long to = from;
            for (long seq : set.tailSet(from, false)) {
                if (seq != to + 1) {
                    b.append(' ').append(from == to ? String.valueOf(from) : from + "-" + to);
                    from = seq;
                }
                to = seq;
            }
            b.append(' ').append(from == to ? String.valueOf(from) : from + "-" + to);
            out.add(b.toString());
        });
        return String.join(", ", out) + " (" + keys.size() + ")";
    }

    public static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}

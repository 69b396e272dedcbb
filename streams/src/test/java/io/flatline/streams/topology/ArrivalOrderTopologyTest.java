package io.flatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;

import io.flatline.model.arith.Arithmetic;
import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.alarm.AlarmSettings;
import io.flatline.streams.app.StreamsSettings;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.config.ModelSpec;
import io.flatline.streams.detect.RunDetector;
import io.flatline.streams.quantize.Normalization;
import io.flatline.streams.topology.ComparedWindows.Compared;
import io.flatline.streams.window.WindowPolicy;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The order in which a device's readings and its board's reports reach the task must not change what a report is
 * compared with: the same readings and the same reports, piped in many orders (each order keeping the readings in
 * seq order and the reports in the board's order, as their partitions do), give the same comparisons, all with
 * equal inputs. The boards here are healthy: every report carries exactly the reference's input CRC and output
 * for the window the board ran on, so any {@code inputMatch=false} or missing comparison is the monitor's doing.
 *
 * <p>Two of each device's reports are pinned by ingest to a seq before the end of the window the board really ran
 * on (a board samples on its own clock): the report with windowEndSeq 20 ran on the window ending at 21, the one
 * with windowEndSeq 40 on the window ending at 42; the board made no report pinned to 21, 41 or 42, so every
 * reference window is reported at most once.
 *
 * <p>The same orders go through a real broker in {@code ArrivalOrderEndToEndTest}.
 */
class ArrivalOrderTopologyTest {

    private static final int SIZE = 5;
    private static final int CHANNELS = 3;
    private static final int READINGS = 80;
    private static final List<String> DEVICES = List.of("d1", "d2");
    /** windowEndSeq of a report whose board window ends later, and where that window really ends. */
    private static final Map<Long, Long> BOARD_WINDOW_ENDS_LATER = Map.of(20L, 21L, 40L, 42L);
    /** Seqs no report is pinned to: their windows were reported under the seqs above. */
    private static final Set<Long> NOT_REPORTED = Set.of(21L, 41L, 42L);
    private static final Set<AlertKind> FORBIDDEN = Set.of(AlertKind.INPUT_MISMATCH, AlertKind.BOARD_DIVERGENCE);

    @TempDir
    Path tempDir;

    private final Topics topics = Topics.defaults();

    /** One input record: a reading, or a board's report, of a device. */
    private record In(String device, SensorReading reading, BoardInference report) {
        long seq() {
            return reading != null ? reading.getSeq() : report.getWindowEndSeq();
        }

        @Override
        public String toString() {
            return (reading != null ? "reading " : "report ") + device + "@" + seq();
        }
    }

    /** What one order produced: its comparisons, the alerts, the counted join misses. */
    private record Outcome(ComparedWindows comparisons, List<Alert> alerts, long joinMisses) {
    }

    /** The reference's window ending at a seq: its input CRC and output. */
    private record Window(long crc, byte[] netOut) {
    }

    // ---- the inputs, the same for every order -------------------------------------------------------------------

    private static final Map<String, List<SensorReading>> READINGS_BY_DEVICE = new LinkedHashMap<>();

    static {
        Random random = new Random(42);
        for (String device : DEVICES) {
            List<SensorReading> readings = new ArrayList<>();
            for (long seq = 1; seq <= READINGS; seq++) {
                List<Float> values = new ArrayList<>();
                for (int c = 0; c < CHANNELS; c++) {
                    values.add((float) (random.nextInt(201) - 100));
                }
                readings.add(SensorReading.newBuilder().setDeviceId(device).setSeq(seq)
                        .setTimestamp(Instant.ofEpochMilli(1_000_000 + seq * 100)).setValues(values)
                        .setQuality(Quality.GOOD).build());
            }
            READINGS_BY_DEVICE.put(device, readings);
        }
    }

    private ModelConfig config() {
        return ModelConfig.single(ModelSpec.single(Path.of("test.tflite"), Arithmetic.LITERT, List.of("a", "b", "c"), new Normalization.None(), new WindowPolicy(SIZE, 1, WindowPolicy.GapPolicy.RESET,
                WindowPolicy.BadQualityPolicy.SKIP)),
                new RunDetector.Settings(20, 10, 20), new ModelConfig.Comparison(1, 5, 500, 200), AlarmSettings.DEFAULT);
    }

    private TopologyTestDriver driver(String name, PipelineCounters counters) {
        Properties props = new StreamsSettings(Path.of("flatline.yaml"), "unused:9092", Map.of(),
                java.util.Optional.empty()).streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, tempDir.resolve(name).toString());
        return new TopologyTestDriver(new FlatlineTopology(topics, config(), new WindowSumModel(SIZE, CHANNELS, false),
                counters).build(), props);
    }

    /** The reference's windows, by device and seq: the readings alone, run once through the topology. */
    private Map<String, Map<Long, Window>> reference() {
        Map<String, Map<Long, Window>> windows = new TreeMap<>();
        try (TopologyTestDriver driver = driver("reference", new PipelineCounters())) {
            TestInputTopic<String, SensorReading> readings = input(driver, topics.sensorReadings());
            READINGS_BY_DEVICE.forEach((device, list) -> list.forEach(r -> readings.pipeInput(device, r)));
            Topic<String, Prediction> t = topics.predictions();
            for (Prediction p : driver.createOutputTopic(t.name(), t.keyDeserializer(), t.valueDeserializer())
                    .readValuesToList()) {
                windows.computeIfAbsent(p.getDeviceId(), d -> new TreeMap<>())
                        .put(p.getWindowEndSeq(), new Window(p.getInputCrc32(), ComparedWindows.bytes(p.getNetOut())));
            }
        }
        assertThat(windows.get("d1")).hasSize(READINGS - SIZE + 1);
        return windows;
    }

    /** Each device's board reports, in the board's order: exactly the reference's window it ran on. */
    private Map<String, List<BoardInference>> reports(Map<String, Map<Long, Window>> reference) {
        Map<String, List<BoardInference>> reports = new LinkedHashMap<>();
        for (String device : DEVICES) {
            List<BoardInference> list = new ArrayList<>();
            for (long seq = SIZE; seq <= READINGS; seq++) {
                if (NOT_REPORTED.contains(seq)) {
                    continue;
                }
                Window ran = reference.get(device).get(BOARD_WINDOW_ENDS_LATER.getOrDefault(seq, seq));
                list.add(BoardInference.newBuilder().setDeviceId(device)
                        .setTimestamp(Instant.ofEpochMilli(1_000_000 + seq * 100 + 1)).setInferenceCount(seq - SIZE + 1)
                        .setWindowEndSeq(seq).setInputCrc32(ran.crc()).setNetOut(ByteBuffer.wrap(ran.netOut()))
                        .build());
            }
            reports.put(device, list);
        }
        return reports;
    }

    /** What a perfect monitor compares: every report, with the window it ran on, keyed by that window's seq. */
    private static Map<String, Compared> ideal(Map<String, Map<Long, Window>> reference,
                                               Map<String, List<BoardInference>> reports) {
        Map<String, Compared> ideal = new TreeMap<>();
        reports.forEach((device, list) -> list.forEach(r -> {
            long ran = BOARD_WINDOW_ENDS_LATER.getOrDefault(r.getWindowEndSeq(), r.getWindowEndSeq());
            ideal.put(key(device, ran), Compared.exact(reference.get(device).get(ran).netOut()));
        }));
        return ideal;
    }

    // ---- the orders ---------------------------------------------------------------------------------------------

    /**
     * Readings in seq order, devices taking turns, and each report right after the reading with seq
     * {@code after.applyAsLong(windowEndSeq)} (0 or less: before every reading; past the last: after every one).
     */
    private static List<In> anchored(Map<String, List<BoardInference>> reports, LongUnaryOperator after) {
        List<In> order = new ArrayList<>();
        for (long seq = 0; seq <= READINGS + 1; seq++) {
            for (String device : DEVICES) {
                if (seq >= 1 && seq <= READINGS) {
                    order.add(new In(device, READINGS_BY_DEVICE.get(device).get((int) seq - 1), null));
                }
                for (BoardInference r : reports.get(device)) {
                    long anchor = Math.max(0, Math.min(READINGS + 1, after.applyAsLong(r.getWindowEndSeq())));
                    if (anchor == seq) {
                        order.add(new In(device, null, r));
                    }
                }
            }
        }
        return order;
    }

    /** A random interleaving of the four ordered streams (each device's readings, each device's reports). */
    private static List<In> shuffled(Map<String, List<BoardInference>> reports, long seed) {
        Random random = new Random(seed);
        List<List<In>> streams = new ArrayList<>();
        for (String device : DEVICES) {
            streams.add(new ArrayList<>(READINGS_BY_DEVICE.get(device).stream().map(r -> new In(device, r, null))
                    .toList()));
            streams.add(new ArrayList<>(reports.get(device).stream().map(r -> new In(device, null, r)).toList()));
        }
        List<In> order = new ArrayList<>();
        while (streams.stream().anyMatch(s -> !s.isEmpty())) {
            List<List<In>> left = streams.stream().filter(s -> !s.isEmpty()).toList();
            order.add(left.get(random.nextInt(left.size())).remove(0));
        }
        return order;
    }

    static List<String> orders() {
        return List.of("report just before the reading that completes its window",
                "report two readings early",
                "report five readings early",
                "report and reading with the same timestamp, reading first",
                "report just after its reading",
                "report two readings late",
                "report five readings late",
                "backlog of readings, then every report",
                "backlog of reports, then every reading",
                "random interleaving 1", "random interleaving 2", "random interleaving 3", "random interleaving 4",
                "random interleaving 5");
    }

    private static List<In> order(String name, Map<String, List<BoardInference>> reports) {
        return switch (name) {
            case "report just before the reading that completes its window" -> anchored(reports, s -> s - 1);
            case "report two readings early" -> anchored(reports, s -> s - 2);
            case "report five readings early" -> anchored(reports, s -> s - 5);
            // The test driver processes each record as it is piped: equal timestamps change nothing here; through
            // a broker they leave the choice of partition to Kafka Streams (ArrivalOrderEndToEndTest).
            case "report and reading with the same timestamp, reading first",
                 "report just after its reading" -> anchored(reports, s -> s);
            case "report two readings late" -> anchored(reports, s -> s + 2);
            case "report five readings late" -> anchored(reports, s -> s + 5);
            case "backlog of readings, then every report" -> anchored(reports, s -> Long.MAX_VALUE);
            case "backlog of reports, then every reading" -> anchored(reports, s -> Long.MIN_VALUE);
            default -> shuffled(reports, Long.parseLong(name.substring(name.lastIndexOf(' ') + 1)));
        };
    }

    private Outcome run(String name, List<In> order) {
        PipelineCounters counters = new PipelineCounters();
        try (TopologyTestDriver driver = driver(name.replaceAll("[^a-z0-9]+", "-"), counters)) {
            TestInputTopic<String, SensorReading> readings = input(driver, topics.sensorReadings());
            TestInputTopic<String, BoardInference> boards = input(driver, topics.boardInferences());
            boolean sameTimestamp = name.contains("same timestamp");
            for (In in : order) {
                if (in.reading() != null) {
                    readings.pipeInput(in.device(), in.reading(), in.reading().getTimestamp());
                } else {
                    Instant at = sameTimestamp ? Instant.ofEpochMilli(1_000_000 + in.seq() * 100)
                            : in.report().getTimestamp();
                    boards.pipeInput(in.device(), in.report(), at);
                }
            }
            Topic<String, BoardComparison> c = topics.boardComparisons();
            Topic<String, Alert> a = topics.alerts();
            ComparedWindows comparisons = ComparedWindows.of(driver.createOutputTopic(c.name(), c.keyDeserializer(),
                    c.valueDeserializer()).readValuesToList());
            List<Alert> alerts = driver.createOutputTopic(a.name(), a.keyDeserializer(), a.valueDeserializer())
                    .readValuesToList();
            return new Outcome(comparisons, alerts, counters.snapshot().get("board_join_misses"));
        }
    }

    // ---- the tests ----------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("orders")
    void everyReportIsComparedWithTheWindowItRanOnWithEqualInputs(String name) {
        Map<String, Map<Long, Window>> reference = reference();
        Map<String, List<BoardInference>> reports = reports(reference);
        Map<String, Compared> ideal = ideal(reference, reports);
        Outcome outcome = run(name, order(name, reports));

        assertThat(outcome.comparisons().duplicates()).as("%s: windows compared twice", name).isEmpty();
        assertThat(outcome.comparisons().unlike(ideal))
                .as("%s: comparisons other than (inputMatch=true, the window's output on both sides, 0 LSB)", name)
                .isEmpty();
        assertThat(outcome.alerts()).as("%s: alerts", name).filteredOn(al -> FORBIDDEN.contains(al.getKind()))
                .isEmpty();
        // Every device's reference windows are kept, its board's first report's too: none may be missed.
        assertThat(outcome.comparisons().missing(ideal))
                .as("%s: reports never compared (%d counted join misses)", name, outcome.joinMisses()).isEmpty();
    }

    @Test
    void everyOrderGivesTheSameComparisons() {
        Map<String, Map<Long, Window>> reference = reference();
        Map<String, List<BoardInference>> reports = reports(reference);
        Map<String, ComparedWindows> byOrder = new LinkedHashMap<>();
        for (String name : orders()) {
            byOrder.put(name, run(name, order(name, reports)).comparisons());
        }
        assertThat(ComparedWindows.differences(byOrder))
                .as("comparisons that differ from those of the first order, \"%s\"", orders().get(0)).isEmpty();
    }

    private static String key(String device, long seq) {
        return ComparedWindows.key(device, seq);
    }

    private static <V> TestInputTopic<String, V> input(TopologyTestDriver driver, Topic<String, V> t) {
        return driver.createInputTopic(t.name(), t.keySerializer(), t.valueSerializer());
    }
}

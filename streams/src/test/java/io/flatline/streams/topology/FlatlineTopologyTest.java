package io.flatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSource;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Diagnosis;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.alarm.AlarmSettings;
import io.flatline.streams.app.StreamsSettings;
import io.flatline.streams.compare.BoardMonitor;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.config.ModelSpec;
import io.flatline.streams.detect.RunDetector;
import io.flatline.streams.quantize.InputQuantizer;
import io.flatline.streams.quantize.Normalization;
import io.flatline.streams.window.WindowPolicy;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlatlineTopologyTest {

    private static final int SIZE = 4;
    private static final int CHANNELS = 2;

    @TempDir
    Path stateDir;

    private final Topics topics = Topics.defaults();
    private TopologyTestDriver driver;
    private TestInputTopic<String, SensorReading> readings;
    private TestInputTopic<String, BoardInference> boards;
    private TestOutputTopic<String, Prediction> predictions;
    private TestOutputTopic<String, Alert> alerts;
    private TestOutputTopic<String, BoardComparison> comparisons;
    private TestOutputTopic<String, DeviceHealth> health;
    private PipelineCounters counters;
    private WindowSumModel model;

    private void start(int stride, WindowPolicy.GapPolicy gap, boolean frozenModel) {
        ModelConfig config = ModelConfig.single(ModelSpec.single(Path.of("test.tflite"), io.flatline.model.arith.Arithmetic.LITERT, List.of("a", "b"), new Normalization.None(), new WindowPolicy(SIZE, stride, gap, WindowPolicy.BadQualityPolicy.SKIP)),
                new RunDetector.Settings(5, 3, 5), new ModelConfig.Comparison(1, 3, 100, 50), new AlarmSettings(4, Duration.ZERO));
        counters = new PipelineCounters();
        Properties props = new StreamsSettings(Path.of("flatline.yaml"), "unused:9092", java.util.Map.of(),
                java.util.Optional.empty()).streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        model = new WindowSumModel(SIZE, CHANNELS, frozenModel);
        driver = new TopologyTestDriver(new FlatlineTopology(topics, config, model, counters).build(), props);
        readings = input(topics.sensorReadings());
        boards = input(topics.boardInferences());
        predictions = output(topics.predictions());
        alerts = output(topics.alerts());
        comparisons = output(topics.boardComparisons());
        health = output(topics.deviceHealth());
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> t) {
        return driver.createInputTopic(t.name(), t.keySerializer(), t.valueSerializer());
    }

    private <V> TestOutputTopic<String, V> output(Topic<String, V> t) {
        return driver.createOutputTopic(t.name(), t.keyDeserializer(), t.valueDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void reading(String device, long seq, float a, float b) {
        readings.pipeInput(device, SensorReading.newBuilder().setDeviceId(device).setSeq(seq)
                .setTimestamp(Instant.ofEpochMilli(1000 * seq)).setValues(List.of(a, b)).setQuality(Quality.GOOD)
                .build(), Instant.ofEpochMilli(1000 * seq));
    }

    private void board(String device, long seq, Long crc, byte[] out) {
        boards.pipeInput(device, BoardInference.newBuilder().setDeviceId(device).setTimestamp(Instant.ofEpochMilli(1000 * seq))
                .setInferenceCount(seq).setWindowEndSeq(seq).setInputCrc32(crc).setNetOut(ByteBuffer.wrap(out))
                .build(), Instant.ofEpochMilli(1000 * seq));
    }

    @Test
    void predictsOnceTheWindowIsFullThenEveryStride() {
        start(2, WindowPolicy.GapPolicy.RESET, false);
        for (long seq = 1; seq <= 9; seq++) {
            reading("d1", seq, seq, -seq);
        }
        List<Prediction> out = predictions.readValuesToList();
        assertThat(out).extracting(Prediction::getWindowEndSeq).containsExactly(4L, 6L, 8L);
        Prediction first = out.get(0);
        byte[] window = {1, -1, 2, -2, 3, -3, 4, -4};
        assertThat(first.getInputCrc32()).isEqualTo(InputQuantizer.crc32(window));
        assertThat(first.getInputLevels()).isEqualTo(8);
        assertThat(first.getNetOut().array()).containsExactly(2, -2);   // the channel means of the window
        assertThat(first.getProbabilities()).containsExactly((2 + 128) / 256f, (-2 + 128) / 256f);
        assertThat(first.getLabel()).isEqualTo("a");
        assertThat(first.getTimestamp()).isEqualTo(Instant.ofEpochMilli(4000));
    }

    @Test
    void aGapStartsTheWindowAgainAndDuplicatesAreDropped() {
        start(1, WindowPolicy.GapPolicy.RESET, false);
        for (long seq : new long[] {1, 2, 3, 4, 4, 3, 7, 8, 9, 10}) {
            reading("d1", seq, seq, 0);
        }
        assertThat(predictions.readValuesToList()).extracting(Prediction::getWindowEndSeq).containsExactly(4L, 10L);
        assertThat(counters.snapshot()).containsEntry("readings_duplicate", 1L).containsEntry("readings_out_of_order", 1L)
                .containsEntry("window_gaps", 1L);
    }

    @Test
    void devicesHaveTheirOwnWindows() {
        start(1, WindowPolicy.GapPolicy.RESET, false);
        for (long seq = 1; seq <= 4; seq++) {
            reading("d1", seq, 1, 1);
            reading("d2", seq + 100, 9, 9);
        }
        assertThat(predictions.readKeyValuesToList()).extracting(kv -> kv.key + "@" + kv.value.getWindowEndSeq())
                .containsExactly("d1@4", "d2@104");
    }

    @Test
    void aSaturatedModelRaisesOneReferenceStuckAlertDiagnosedAsTheModel() {
        start(1, WindowPolicy.GapPolicy.RESET, true);
        for (long seq = 1; seq <= 30; seq++) {
            reading("d1", seq, seq, seq * 2);
        }
        List<Alert> raised = alerts.readValuesToList();
        assertThat(raised).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo(AlertKind.STUCK_OUTPUT);
            assertThat(a.getState()).isEqualTo(AlertState.RAISED);
            assertThat(a.getSource()).isEqualTo(AlertSource.REFERENCE);
            assertThat(a.getDiagnosis()).isEqualTo(Diagnosis.MODEL_SATURATION);
            assertThat(a.getFirstSeq()).isEqualTo(4);
            assertThat(a.getRunLength()).isEqualTo(5);
            assertThat(a.getEvidence()).contains("every layer constant");
        });
        DeviceHealth latest = health.readValuesToList().stream().reduce((x, y) -> y).orElseThrow();
        assertThat(latest.getOpenAlerts()).containsExactly("STUCK_OUTPUT");
        assertThat(latest.getDiagnosis()).isEqualTo("MODEL_SATURATION");
    }

    /**
     * A reading whose handling fails after its prediction is computed leaves the reference consistent: its state is
     * saved before anything goes out, so the next readings go on from it (no gap, no window started again).
     */
    @Test
    void aFailureAfterThePredictionLeavesTheReferencesStateSaved() {
        start(1, WindowPolicy.GapPolicy.RESET, true);
        model.failEvidenceOnce();
        int failures = 0;
        for (long seq = 1; seq <= 20; seq++) {
            try {
                reading("d1", seq, seq * 3 % 11, seq * 5 % 7);
            } catch (RuntimeException e) {
                failures++;
            }
        }
        assertThat(failures).as("the stuck output's first window (8), whose evidence failed").isEqualTo(1);
        // Window 8's own output went with its failed record; window 9 and on follow from its saved state. Had the
        // state not been saved, reading 9 would have looked like a gap after 7 and started the window again.
        assertThat(predictions.readValuesToList()).extracting(Prediction::getWindowEndSeq)
                .containsSubsequence(java.util.stream.LongStream.rangeClosed(9, 20).boxed().toList())
                .contains(4L, 5L, 6L, 7L);
        assertThat(alerts.readValuesToList()).filteredOn(a -> a.getKind() == AlertKind.STUCK_OUTPUT)
                .singleElement().satisfies(a -> assertThat(a.getEvidence()).contains("every layer constant"));
    }

    @Test
    void aStaleSensorIsSensorStaleNotStuck() {
        start(1, WindowPolicy.GapPolicy.RESET, false);
        for (long seq = 1; seq <= 20; seq++) {
            reading("d1", seq, 3, 3);
        }
        // The sensor moves again: the alarm clears after the off-delay of 4 windows.
        for (long seq = 21; seq <= 24; seq++) {
            reading("d1", seq, 10 * seq, 3);
        }
        assertThat(alerts.readValuesToList()).extracting(Alert::getKind, Alert::getState).containsExactly(
                org.assertj.core.groups.Tuple.tuple(AlertKind.SENSOR_STALE, AlertState.RAISED),
                org.assertj.core.groups.Tuple.tuple(AlertKind.SENSOR_STALE, AlertState.CLEARED));
    }

    @Test
    void aStuckBoardBesideAVaryingReferenceIsTheBoardRuntime() {
        start(1, WindowPolicy.GapPolicy.RESET, false);
        for (long seq = 1; seq <= 30; seq++) {
            reading("b1", seq, seq % 7 * 10, seq % 5 * 10);
            Prediction p = predictions.isEmpty() ? null : predictions.readValue();
            if (p != null) {
                board("b1", seq, p.getInputCrc32(), new byte[] {127, -128});
            }
        }
        // Every device's reference windows are kept, so even the board's very first inference (window 4), which
        // came after that window's prediction, is matched.
        assertThat(comparisons.readValuesToList()).hasSize(27).allSatisfy(c -> assertThat(c.getInputMatch()).isTrue());
        assertThat(counters.snapshot()).containsEntry("board_join_misses", 0L);
        assertThat(alerts.readValuesToList()).filteredOn(a -> a.getKind() == AlertKind.STUCK_OUTPUT)
                .singleElement().satisfies(a -> {
                    assertThat(a.getSource()).isEqualTo(AlertSource.BOARD);
                    assertThat(a.getDiagnosis()).isEqualTo(Diagnosis.BOARD_RUNTIME);
                });
    }

    @Test
    void aBoardInferenceWithoutAReferenceWindowIsCountedAsAMiss() {
        start(1, WindowPolicy.GapPolicy.RESET, false);
        board("b1", 2, 99L, new byte[] {1, 1});
        for (long seq = 1; seq <= 8; seq++) {
            reading("b1", seq, seq, seq);
        }
        assertThat(comparisons.isEmpty()).isTrue();
        assertThat(counters.snapshot()).containsEntry("board_join_misses", 1L);
    }

    /**
     * The monitor keeps a device's reference windows in chunks of 50 seqs, rebuilt from the store on first use:
     * a window of a model with another number of outputs is dropped (its chunk rewritten without it), and a chunk
     * wholly past the retention is deleted.
     */
    @Test
    void referenceChunksOfAnotherModelOrPastTheRetentionAreDroppedWhenReadBack() {
        start(1, WindowPolicy.GapPolicy.RESET, false);
        var stored = driver.<String, List<BoardMonitor.Reference>>getKeyValueStore(StoreNames.REFERENCE_CHUNKS);
        // Retention 100 in this test's config: once seq 160 is kept, the chunk of seqs 0..49 has left it.
        stored.put(ReferenceWindows.chunkKey("b1", 0), List.of(new BoardMonitor.Reference(7, 70, new byte[] {1, 2})));
        stored.put(ReferenceWindows.chunkKey("b1", 3), List.of(
                new BoardMonitor.Reference(159, 1590, new byte[] {1, 2, 3}),
                new BoardMonitor.Reference(160, 1600, new byte[] {4, 5})));

        board("b1", 160, 1600L, new byte[] {4, 5});

        assertThat(stored.get(ReferenceWindows.chunkKey("b1", 0))).as("past the retention").isNull();
        assertThat(stored.get(ReferenceWindows.chunkKey("b1", 3))).as("three outputs, the model has two")
                .extracting(BoardMonitor.Reference::seq).containsExactly(160L);
        assertThat(comparisons.readValuesToList()).singleElement()
                .satisfies(c -> assertThat(c.getWindowEndSeq()).isEqualTo(160L));
    }

    /** What a restarted instance reads back: every window of a board's device, in the chunks the commits wrote. */
    @Test
    void keepsEveryReportingDevicesWindowsInTheStoreInChunks() {
        start(1, WindowPolicy.GapPolicy.RESET, false);
        board("b1", 1, 0L, new byte[] {0, 0});
        for (long seq = 1; seq <= 60; seq++) {
            reading("b1", seq, seq, -seq);
        }
        var stored = driver.<String, List<BoardMonitor.Reference>>getKeyValueStore(StoreNames.REFERENCE_CHUNKS);

        assertThat(stored.get(ReferenceWindows.chunkKey("b1", 0))).extracting(BoardMonitor.Reference::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(SIZE, 49).boxed().toList());
        assertThat(stored.get(ReferenceWindows.chunkKey("b1", 1))).extracting(BoardMonitor.Reference::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(50, 60).boxed().toList());
    }

    /** Ids that share a prefix with another's chunk keys, with separators, spaces, non-ASCII, or 200 characters. */
    @Test
    void devicesWhoseIdsLookAlikeAreNeverMatchedWithEachOthersWindows() {
        start(1, WindowPolicy.GapPolicy.RESET, false);
        List<String> ids = List.of("a", "a@1", "a@0000000000000000001", "1:a", "a/b", "with space", "ünï-ß",
                "x".repeat(200));
        for (int d = 0; d < ids.size(); d++) {
            for (long seq = 1; seq <= 12; seq++) {
                reading(ids.get(d), seq, seq * (d + 1), -seq * (d + 2));
            }
        }
        var stored = driver.<String, List<BoardMonitor.Reference>>getKeyValueStore(StoreNames.REFERENCE_CHUNKS);
        // A device's windows are read back by a range of its keys: no other device's key may fall in it.
        for (String id : ids) {
            board(id, 12, 0L, new byte[] {0, 0});
            assertThat(stored.get(ReferenceWindows.chunkKey(id, 0))).as(id).hasSize(12 - SIZE + 1);
        }
        for (int i = 0; i < ids.size(); i++) {
            for (int j = 0; j < ids.size(); j++) {
                if (i != j) {
                    String other = ReferenceWindows.chunkKey(ids.get(j), 0);
                    assertThat(other.compareTo(ReferenceWindows.chunkKey(ids.get(i), 0)) < 0
                            || other.compareTo(ReferenceWindows.chunkKey(ids.get(i), Long.MAX_VALUE)) > 0)
                            .as("%s's key in %s's range", ids.get(j), ids.get(i)).isTrue();
                }
            }
        }
    }

    @Test
    void aSensorOnlyDevicesWindowsStayInMemoryUntilItsBoardReportsThenAllGoToTheStore() {
        start(1, WindowPolicy.GapPolicy.RESET, false);
        for (long seq = 1; seq <= 30; seq++) {
            reading("s1", seq, seq, -seq);
        }
        var stored = driver.<String, List<BoardMonitor.Reference>>getKeyValueStore(StoreNames.REFERENCE_CHUNKS);
        assertThat(stored.get(ReferenceWindows.chunkKey("s1", 0))).isNull();
        // The board's first report is for a window computed long before: it is still matched.
        Prediction first = predictions.readValuesToList().get(0);
        board("s1", first.getWindowEndSeq(), first.getInputCrc32(), first.getNetOut().array());
        assertThat(comparisons.readValuesToList()).singleElement()
                .satisfies(c -> assertThat(c.getInputMatch()).isTrue());
        assertThat(stored.get(ReferenceWindows.chunkKey("s1", 0))).extracting(BoardMonitor.Reference::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(SIZE, 30).boxed().toList());
        reading("s1", 31, 31, -31);
        assertThat(stored.get(ReferenceWindows.chunkKey("s1", 0))).hasSize(31 - SIZE + 1);
    }

    /** A chunk read back half filled (an instance restarted mid-chunk) goes on filling after what it held. */
    @Test
    void aChunkReadBackHalfFilledGoesOnFromWhereItWas() {
        start(1, WindowPolicy.GapPolicy.RESET, false);
        var stored = driver.<String, List<BoardMonitor.Reference>>getKeyValueStore(StoreNames.REFERENCE_CHUNKS);
        stored.put(ReferenceWindows.chunkKey("b1", 0), List.of(new BoardMonitor.Reference(1, 10, new byte[] {1, 2}),
                new BoardMonitor.Reference(2, 20, new byte[] {3, 4})));
        board("b1", 2, 20L, new byte[] {3, 4});
        for (long seq = 3; seq <= SIZE + 2; seq++) {
            reading("b1", seq, seq, -seq);
        }

        assertThat(stored.get(ReferenceWindows.chunkKey("b1", 0))).extracting(BoardMonitor.Reference::seq)
                .containsExactly(1L, 2L, (long) SIZE + 2);
        assertThat(comparisons.readValuesToList()).singleElement()
                .satisfies(c -> assertThat(c.getWindowEndSeq()).isEqualTo(2L));
    }

    /** The board's agreement moves with every comparison and goes out with the device's next published health. */
    @Test
    void publishedHealthCarriesTheBoardsLatestAgreement() {
        start(1, WindowPolicy.GapPolicy.RESET, false);
        long heartbeats = 2;
        for (long seq = 1; seq <= heartbeats * MonitorProcessor.HEALTH_HEARTBEAT_WINDOWS + 5; seq++) {
            reading("b1", seq, seq % 7 * 10, seq % 5 * 10);
            Prediction p = predictions.isEmpty() ? null : predictions.readValue();
            if (p != null) {
                byte[] out = new byte[p.getNetOut().remaining()];
                p.getNetOut().duplicate().get(out);
                board("b1", seq, p.getInputCrc32(), out);
            }
        }
        List<BoardComparison> compared = comparisons.readValuesToList();
        List<DeviceHealth> published = health.readValuesToList();

        // Published at a heartbeat or a change of label, on a prediction, before that window's board report.
        DeviceHealth newest = published.get(published.size() - 1);
        assertThat(newest.getLastSeq()).isGreaterThanOrEqualTo(heartbeats * MonitorProcessor.HEALTH_HEARTBEAT_WINDOWS);
        assertThat(newest.getComparedWindows()).isEqualTo(compared.stream()
                .filter(c -> c.getWindowEndSeq() < newest.getLastSeq()).count());
        assertThat(newest.getExactMatchRate()).isEqualTo(1.0);
        assertThat(newest.getTop1AgreementRate()).isEqualTo(1.0);
        assertThat(newest.getMaxAbsDiffLsb()).isZero();
    }

    @Test
    void aRecordThatIsNotAvroDoesNotStopTheApplication() {
        start(1, WindowPolicy.GapPolicy.RESET, false);
        var raw = driver.createInputTopic(topics.sensorReadings().name(),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
        raw.pipeInput("d1", "garbage".getBytes());
        for (long seq = 1; seq <= 4; seq++) {
            reading("d1", seq, 1, 1);
        }
        assertThat(predictions.readValuesToList()).hasSize(1);
    }
}

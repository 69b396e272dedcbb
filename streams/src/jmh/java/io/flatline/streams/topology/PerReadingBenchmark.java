package io.flatline.streams.topology;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.flatline.schemas.Prediction;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.serde.FlatlineSerdes;
import io.flatline.streams.quantize.InputQuantizer;
import io.flatline.streams.quantize.LevelCounter;
import io.flatline.streams.window.WindowPolicy;
import io.flatline.streams.window.WindowState;
import org.apache.kafka.common.serialization.Serde;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The pieces of Flatline's own work on every reading, one at a time, on one device's data (so in a hot cache,
 * unlike the pipeline, where 200 devices take turns): the window's step and copy, the level count in full and
 * incrementally, the window store's value serialization, and the Avro records in and out. The pipeline
 * benchmark (PipelineBenchmark) cannot resolve differences of a few per cent; this can.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PerReadingBenchmark {

    private static final int SIZE = 50;
    private static final int CHANNELS = 10;
    private static final int STREAM = 4096;
    private static final WindowPolicy STRIDE_1 = new WindowPolicy(SIZE, 1, WindowPolicy.GapPolicy.RESET,
            WindowPolicy.BadQualityPolicy.SKIP);

    private byte[][] rows;
    private byte[][] windows;
    private WindowState window;
    private LevelCounter counter;
    private ReferenceState state;
    private Serde<ReferenceState> stateSerde;
    private Serde<Prediction> predictionSerde;
    private Serde<SensorReading> readingSerde;
    private Prediction prediction;
    private byte[] readingBytes;
    private long seq;
    private int next;

    @Setup
    public void setUp() {
        Random random = new Random(5);
        rows = new byte[STREAM][CHANNELS];
        for (byte[] row : rows) {
            for (int c = 0; c < CHANNELS; c++) {
                row[c] = (byte) (random.nextGaussian() * 20);
            }
        }
        // The windows a device's stream gives, each the last one slid by a row, in a cycle.
        windows = new byte[STREAM][];
        WindowState w = WindowState.empty(SIZE, CHANNELS);
        for (int i = 0; i < STREAM + SIZE; i++) {
            w = w.accept(i + 1, i, rows[i % STREAM], STRIDE_1).state();
            if (i >= SIZE) {
                windows[i - SIZE] = w.window();
            }
        }
        window = w;
        seq = STREAM + SIZE;
        counter = new LevelCounter(CHANNELS);
        state = new ReferenceState(w, null, new float[0], 0);
        stateSerde = StoreSerdes.referenceState();
        predictionSerde = FlatlineSerdes.prediction();
        readingSerde = FlatlineSerdes.sensorReading();
        prediction = Prediction.newBuilder().setDeviceId("device-0042").setWindowEndSeq(123_456)
                .setTimestamp(Instant.ofEpochMilli(1_764_000_000_000L)).setModelId("ab".repeat(32))
                .setInputCrc32(0xDEADBEEFL).setNetOut(ByteBuffer.wrap(new byte[] {-128, 12, 100, -90, 3}))
                .setProbabilities(List.of(0.0f, 0.1f, 0.7f, 0.05f, 0.15f)).setLabel("bearing-wear")
                .setInputLevels(37).build();
        List<Float> values = new ArrayList<>();
        for (int c = 0; c < CHANNELS; c++) {
            values.add((float) random.nextGaussian());
        }
        readingBytes = readingSerde.serializer().serialize("t", new SensorReading("device-0042", 99_999L,
                Instant.ofEpochMilli(1_764_000_000_000L), values, Quality.GOOD));
    }

    @Benchmark
    public byte[] windowStepAndCopy() {
        window = window.accept(++seq, seq, rows[(int) (seq % STREAM)], STRIDE_1).state();
        return window.window();
    }

    @Benchmark
    public int levelsFullCount() {
        return InputQuantizer.distinctLevels(windows[next++ & (STREAM - 1)]);
    }

    @Benchmark
    public int levelsIncremental() {
        // Every STREAM windows the cycle wraps: one full count in 4,096, as after a gap.
        return counter.levels(windows[next++ & (STREAM - 1)], 1);
    }

    @Benchmark
    public byte[] windowStoreValueSerialize() {
        return stateSerde.serializer().serialize("t", state);
    }

    @Benchmark
    public byte[] predictionSerialize() {
        return predictionSerde.serializer().serialize("t", prediction);
    }

    @Benchmark
    public SensorReading readingDeserialize() {
        return readingSerde.deserializer().deserialize("t", readingBytes);
    }
}

package io.flatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;

import io.flatline.model.tflite.SeedModels;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.app.StreamsSettings;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.EngineReferenceModel;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heap and durable state per sensor-only device (readings, no board reports) with the seed model and the default
 * config (window 50, stride 1, retention 500). Runs only when asked:
 * {@code -Dflatline.bench.footprint=1000,10000,100000 [-Dflatline.bench.footprint.heap=6g]
 * [-Dflatline.bench.footprint.readings=60]}, each count in a JVM of its own so that the heap it measures is that
 * count's alone.
 *
 * <p>Every device's readings go through the topology in a {@link TopologyTestDriver}, seq-major (every device's
 * seq 1, then every device's seq 2, ...) at 100 ms a seq, so each has a full window and predictions. Then:
 * <ul>
 *   <li>heap: used heap after a full GC, minus the same before the first reading, per device;</li>
 *   <li>durable state: every key and value in every store, serialized as the store writes it (what its compacted
 *       changelog holds), per device;</li>
 *   <li>heap after eviction: stream time moved past {@code window.idleEviction} by one other device's reading,
 *       the heap measured again.</li>
 * </ul>
 */
class DeviceFootprintBenchmark {

    private static final String FOOTPRINT = "FOOTPRINT";
    /** The seed model's sensor channels. */
    private static final int CHANNELS = 10;

    @TempDir
    Path dir;

    @Test
    void heapAndDurableStatePerSensorOnlyDevice() throws Exception {
        String counts = System.getProperty("flatline.bench.footprint", "");
        assumeThat(counts).as("set -Dflatline.bench.footprint=1000,10000,100000 to run the measurement").isNotEmpty();
        String heap = System.getProperty("flatline.bench.footprint.heap", "6g");
        String readings = System.getProperty("flatline.bench.footprint.readings", "60");
        System.out.println(FOOTPRINT + " | devices | readings | heap per device (active) | heap per device (after"
                + " idle eviction) | durable state per device | by store | seconds |");
        for (String count : counts.split(",")) {
            Path runDir = Files.createDirectories(dir.resolve("devices-" + count.strip()));
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + heap, "-XX:+UseParallelGC", "--add-modules", "jdk.incubator.vector",
                    "-cp", System.getProperty("java.class.path"), DeviceFootprintBenchmark.class.getName(),
                    count.strip(), readings, runDir.toString()).redirectErrorStream(true).start();
            String row = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(FOOTPRINT)) {
                        row = line;
                        System.out.println(line);
                    }
                }
            }
            assertThat(child.waitFor()).as("the measurement of %s devices exited", count).isZero();
            assertThat(row).as("the measurement of %s devices reported", count).isNotNull();
        }
    }

    /** One count's measurement: {@code devices readings directory}. */
    public static void main(String[] args) throws Exception {
        int devices = Integer.parseInt(args[0]);
        int readings = Integer.parseInt(args[1]);
        Path dir = Path.of(args[2]);
        long start = System.nanoTime();
        Files.write(dir.resolve("seed.tflite"), SeedModels.bytes(SeedModels.Spec.fieldReport(1)));
        Path configFile = Files.writeString(dir.resolve("flatline.yaml"),
                "model: {file: seed.tflite, labels: [c0, c1, c2, c3, c4]}\n");
        ModelConfig config = ModelConfig.load(configFile);
        Topics topics = Topics.defaults();
        Properties props = new StreamsSettings(configFile, "unused:9092", Map.of(), Optional.empty())
                .streamsProperties();
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(new FlatlineTopology(topics, config,
                EngineReferenceModel.load(config.defaultModel()), new PipelineCounters()).build(), props)) {
            Topic<String, SensorReading> in = topics.sensorReadings();
            TestInputTopic<String, SensorReading> input = driver.createInputTopic(in.name(), in.keySerializer(),
                    in.valueSerializer());
            List<TestOutputTopic<byte[], byte[]>> outputs = new ArrayList<>();
            for (String name : List.of(topics.predictions().name(), topics.deviceHealth().name(),
                    topics.alerts().name(), topics.boardComparisons().name())) {
                outputs.add(driver.createOutputTopic(name, Serdes.ByteArray().deserializer(),
                        Serdes.ByteArray().deserializer()));
            }
            for (String store : stores(topics).keySet()) {
                outputs.add(driver.createOutputTopic(StreamsSettings.DEFAULT_APPLICATION_ID + "-" + store
                        + "-changelog", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer()));
            }
            long before = heapAfterGc();
            Random random = new Random(1);
            List<Float> values = new ArrayList<>();
            for (long seq = 1; seq <= readings; seq++) {
                Instant at = Instant.ofEpochMilli(seq * 100);
                for (int d = 0; d < devices; d++) {
                    values.clear();
                    for (int c = 0; c < CHANNELS; c++) {
                        values.add((float) (random.nextGaussian() * 1.5));
                    }
                    String device = "sensor-" + d;
                    input.pipeInput(device, reading(device, seq, at, values), at);
                    if (d % 1000 == 999) {
                        outputs.forEach(TestOutputTopic::readRecordsToList);
                    }
                }
            }
            outputs.forEach(TestOutputTopic::readRecordsToList);
            long active = heapAfterGc() - before;
            Map<String, Long> durable = durableBytes(driver, topics);
            Instant later = Instant.ofEpochMilli(readings * 100L).plus(config.window().idleEviction()).plusSeconds(1);
            input.pipeInput("clock", reading("clock", 1, later, values), later);
            outputs.forEach(TestOutputTopic::readRecordsToList);
            long evicted = heapAfterGc() - before;
            long total = durable.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder byStore = new StringBuilder();
            durable.forEach((store, bytes) -> byStore.append(byStore.length() == 0 ? "" : ", ").append(store)
                    .append(' ').append(bytes / devices));
            System.out.printf("%s | %d | %d | %d B | %d B | %d B | %s | %.0f |%n", FOOTPRINT, devices, readings,
                    active / devices, evicted / devices, total / devices, byStore, (System.nanoTime() - start) / 1e9);
        }
    }

    private static SensorReading reading(String device, long seq, Instant at, List<Float> values) {
        return SensorReading.newBuilder().setDeviceId(device).setSeq(seq).setTimestamp(at).setValues(values)
                .setQuality(Quality.GOOD).build();
    }

    /** Every store of the topology, with the serde of its values. */
    private static Map<String, Serde<?>> stores(Topics topics) {
        Map<String, Serde<?>> stores = new LinkedHashMap<>();
        stores.put(StoreNames.WINDOWS, StoreSerdes.referenceState());
        stores.put(StoreNames.REFERENCE_CHUNKS, StoreSerdes.referenceChunk());
        stores.put(StoreNames.BOARDS, JsonSerde.of(io.flatline.streams.compare.BoardMonitor.State.class));
        stores.put(StoreNames.ALARMS, JsonSerde.of(io.flatline.streams.alarm.DeviceAlarms.class));
        stores.put(StoreNames.HEALTH, topics.deviceHealth().valueSerde());
        return stores;
    }

    /** Per store, the bytes of its keys and values as the store serializes them. */
    @SuppressWarnings("unchecked")
    private static Map<String, Long> durableBytes(TopologyTestDriver driver, Topics topics) {
        Map<String, Long> bytes = new LinkedHashMap<>();
        stores(topics).forEach((name, serde) -> {
            long sum = 0;
            try (KeyValueIterator<String, Object> all = driver.<String, Object>getKeyValueStore(name).all()) {
                while (all.hasNext()) {
                    KeyValue<String, Object> kv = all.next();
                    sum += kv.key.getBytes(StandardCharsets.UTF_8).length
                            + ((Serde<Object>) serde).serializer().serialize(name, kv.value).length;
                }
            }
            bytes.put(name, sum);
        });
        return bytes;
    }

    /** With the parallel collector, each {@code System.gc()} is a full collection, done when it returns. */
    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}

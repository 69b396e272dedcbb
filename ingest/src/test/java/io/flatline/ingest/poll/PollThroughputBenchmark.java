package io.flatline.ingest.poll;

import com.sun.management.OperatingSystemMXBean;
import io.flatline.broker.EmbeddedKafka;
import io.flatline.ingest.devicemap.DeviceMap;
import io.flatline.ingest.devicemap.DeviceMapLoader;
import io.flatline.ingest.metrics.IngestMetrics;
import io.flatline.ingest.modbus.FakeModbusServer;
import io.flatline.ingest.publish.KafkaSink;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Polls per second for N simulated devices on one instance. Runs only when asked:
 * {@code -Dflatline.bench.devices=1000 [-Dflatline.bench.seconds=30] [-Dflatline.bench.interval=100ms]
 * [-Dflatline.bench.kafka=true]}. Each device has ten float32 channels and a board block (counter, CRC,
 * 10 int8 outputs): one 27-register block read per poll.
 */
class PollThroughputBenchmark {

    @Test
    void pollsPerSecond() throws Exception {
        int devices = Integer.getInteger("flatline.bench.devices", 0);
        assumeThat(devices).as("set -Dflatline.bench.devices=N to run the benchmark").isPositive();
        int seconds = Integer.getInteger("flatline.bench.seconds", 30);
        String interval = System.getProperty("flatline.bench.interval", "100ms");
        boolean kafka = Boolean.getBoolean("flatline.bench.kafka");

        try (FakeModbusServer server = FakeModbusServer.start(0)) {
            for (int i = 0; i < 27; i++) {
                server.input(i, 0x3F80 + i);
            }
            StringBuilder yaml = new StringBuilder("""
                    defaults:
                      host: 127.0.0.1
                      port: %d
                      interval: %s
                      timeout: 1s
                      maxGap: 4
                      type: float32
                      channels:
                    """.formatted(server.port(), interval));
            for (int c = 0; c < 10; c++) {
                yaml.append("    - {name: ch").append(c).append(", register: ").append(30001 + 2 * c).append("}\n");
            }
            yaml.append("""
                      board:
                        counter: {register: 30021}
                        inputCrc32: {register: 30023}
                        netOut: {register: 30025, count: 5}
                    devices:
                    """);
            for (int d = 0; d < devices; d++) {
                yaml.append("  - {id: bench-").append(d).append("}\n");
            }
            DeviceMap map = DeviceMapLoader.parse(Path.of("bench.yaml"), yaml.toString());

            CountingSink counting = new CountingSink();
            KafkaSink kafkaSink = kafka ? new KafkaSink(Map.of("bootstrap.servers", EmbeddedKafka.shared().bootstrapServers(),
                    "flatline.topic.sensor-readings", "bench.readings", "flatline.topic.board-inferences", "bench.inferences"),
                    new IngestMetrics()) : null;
            if (kafka) {
                EmbeddedKafka.shared().createTopic("bench.readings", 6);
                EmbeddedKafka.shared().createTopic("bench.inferences", 6);
            }
            ReadingSink sink = kafkaSink == null ? counting : new ReadingSink() {
                @Override
                public void publish(SensorReading reading) {
                    counting.publish(reading);
                    kafkaSink.publish(reading);
                }

                @Override
                public void publish(BoardInference inference) {
                    kafkaSink.publish(inference);
                }
            };
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            IngestMetrics metrics = new IngestMetrics();
            try (IngestService service = new IngestService(map, sink, metrics)) {
                service.start();
                Thread.sleep(5_000);
                long good0 = counting.good.sum();
                long all0 = counting.all.sum();
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                Map<String, Long> firstSeq = Map.copyOf(counting.lastSeq);
                Thread.sleep(seconds * 1000L);
                double elapsed = (System.nanoTime() - t0) / 1e9;
                long good = counting.good.sum() - good0;
                long all = counting.all.sum() - all0;
                double cpu = (os.getProcessCpuTime() - cpu0) / 1e9 / elapsed;
                long slots = counting.lastSeq.entrySet().stream()
                        .mapToLong(e -> e.getValue() - firstSeq.getOrDefault(e.getKey(), e.getValue())).sum();
                String report = String.format(Locale.ROOT,
                        "BENCH devices=%d interval=%s kafka=%s seconds=%.1f polls/s=%.0f good/s=%.0f target/s=%.0f "
                                + "slots-missed=%.2f%% mean-latency-ms=%.2f cpu-cores=%.2f threads=%d",
                        devices, interval, kafka, elapsed, all / elapsed, good / elapsed,
                        devices * 1e9 / map.devices().get(0).interval().toNanos(),
                        slots == 0 ? 0 : 100.0 * (slots - all) / slots, meanLatencyMillis(metrics), cpu,
                        ManagementFactory.getThreadMXBean().getThreadCount());
                System.out.println(report);
            } finally {
                if (kafkaSink != null) {
                    kafkaSink.close();
                }
            }
        }
    }

    private static double meanLatencyMillis(IngestMetrics metrics) {
        double[] sumAndCount = new double[2];
        metrics.registry().scrape().stream()
                .filter(s -> s.getMetadata().getName().equals("flatline_ingest_poll_latency_seconds"))
                .flatMap(s -> ((HistogramSnapshot) s).getDataPoints().stream())
                .forEach(p -> {
                    sumAndCount[0] += p.getSum();
                    sumAndCount[1] += p.getCount();
                });
        return sumAndCount[1] == 0 ? 0 : 1000 * sumAndCount[0] / sumAndCount[1];
    }

    private static final class CountingSink implements ReadingSink {
        final LongAdder all = new LongAdder();
        final LongAdder good = new LongAdder();
        final Map<String, Long> lastSeq = new ConcurrentHashMap<>();

        @Override
        public void publish(SensorReading reading) {
            all.increment();
            if (reading.getQuality() == Quality.GOOD) {
                good.increment();
            }
            lastSeq.put(reading.getDeviceId(), reading.getSeq());
        }

        @Override
        public void publish(BoardInference inference) {
            // counted by the readings; the board block is part of every poll's block read
        }
    }
}

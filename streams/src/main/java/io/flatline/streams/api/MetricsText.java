package io.flatline.streams.api;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Diagnosis;
import io.flatline.schemas.OpenEpisode;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import io.flatline.streams.topology.PipelineCounters;
import io.flatline.streams.topology.StoreNames;

/**
 * The application's metrics in Prometheus' text exposition format. The names are a contract with the alert rules
 * and the dashboard in deploy/k8s/monitoring, which a test holds to a running stack's scrape.
 */
public final class MetricsText {

    /**
     * The Kafka client and Kafka Streams metrics worth a dashboard: whether records flow or are dropped, and how far
     * the consumers are behind (per partition, {@code records-lag}).
     */
    private static final Set<String> KAFKA_METRICS = Set.of("dropped-records-total", "process-total",
            "commit-latency-avg", "alive-stream-threads", "records-lag");

    private final PipelineCounters counters;
    private final KafkaStreams streams;

    public MetricsText(PipelineCounters counters, KafkaStreams streams) {
        this.counters = counters;
        this.streams = streams;
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Long> c : counters.snapshot().entrySet()) {
            String name = "flatline_streams_" + c.getKey() + "_total";
            out.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(c.getValue())
                    .append('\n');
        }
        out.append("# TYPE flatline_streams_state gauge\n");
        out.append("flatline_streams_state{state=\"").append(streams.state()).append("\"} 1\n");
        openAlarms(out);
        for (Map.Entry<MetricName, ? extends Metric> m : streams.metrics().entrySet()) {
            MetricName name = m.getKey();
            if (!KAFKA_METRICS.contains(name.name()) || !(m.getValue().metricValue() instanceof Number value)) {
                continue;
            }
            String metric = "kafka_streams_" + name.group().replace('-', '_') + "_" + name.name().replace('-', '_');
            out.append(metric.toLowerCase(Locale.ROOT)).append('{');
            boolean first = true;
            for (Map.Entry<String, String> tag : name.tags().entrySet()) {
                out.append(first ? "" : ",").append(tag.getKey().replace('-', '_')).append("=\"")
                        .append(labelValue(tag.getValue())).append('"');
                first = false;
            }
            out.append("} ").append(value.doubleValue()).append('\n');
        }
        return out.toString();
    }

    /**
     * This instance's devices and their open root causes and alarms, by diagnosis (an alarm counts under its
     * episode's diagnosis, the first-out's): every diagnosis is written, at 0 when none is open, so that a rule
     * sees a cause close rather than a series vanish. Prometheus sums the instances. Left out while the stores
     * cannot be read (starting, or rebalancing with the store moving away).
     */
    private void openAlarms(StringBuilder out) {
        Map<String, Integer> causes = new TreeMap<>();
        Map<String, Integer> alarms = new TreeMap<>();
        for (Diagnosis d : Diagnosis.values()) {
            causes.put(d.name(), 0);
            alarms.put(d.name(), 0);
        }
        int devices = 0;
        int flagged = 0;
        try (KeyValueIterator<String, DeviceHealth> all = streams.store(StoreQueryParameters.fromNameAndType(
                StoreNames.HEALTH, QueryableStoreTypes.<String, DeviceHealth>keyValueStore())).all()) {
            while (all.hasNext()) {
                DeviceHealth h = all.next().value;
                devices++;
                flagged += h.getEpisodes().isEmpty() ? 0 : 1;
                for (OpenEpisode e : h.getEpisodes()) {
                    causes.merge(e.getDiagnosis(), 1, Integer::sum);
                    alarms.merge(e.getDiagnosis(), e.getKinds().size(), Integer::sum);
                }
            }
        } catch (InvalidStateStoreException notQueryable) {
            return;
        }
        out.append("# TYPE flatline_streams_devices gauge\nflatline_streams_devices ").append(devices).append('\n');
        out.append("# TYPE flatline_streams_devices_with_open_alarms gauge\nflatline_streams_devices_with_open_alarms ")
                .append(flagged).append('\n');
        byDiagnosis(out, "flatline_streams_open_root_causes", causes);
        byDiagnosis(out, "flatline_streams_open_alarms", alarms);
    }

    private static void byDiagnosis(StringBuilder out, String name, Map<String, Integer> counts) {
        out.append("# TYPE ").append(name).append(" gauge\n");
        counts.forEach((diagnosis, n) -> out.append(name).append("{diagnosis=\"").append(labelValue(diagnosis))
                .append("\"} ").append(n).append('\n'));
    }

    /** A label value as the exposition format writes it: backslash, double quote and line feed escaped. */
    static String labelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}

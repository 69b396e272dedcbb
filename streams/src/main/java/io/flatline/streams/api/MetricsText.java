package io.flatline.streams.api;

import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import io.flatline.streams.topology.PipelineCounters;

/** The application's metrics in Prometheus' text exposition format. */
public final class MetricsText {

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
        // The Kafka Streams client-level and thread-level totals that tell whether records flow or are dropped.
        for (Map.Entry<MetricName, ? extends Metric> m : streams.metrics().entrySet()) {
            MetricName name = m.getKey();
            if (!(name.name().equals("dropped-records-total") || name.name().equals("process-total")
                    || name.name().equals("commit-latency-avg") || name.name().equals("alive-stream-threads"))) {
                continue;
            }
            if (!(m.getValue().metricValue() instanceof Number value)) {
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

    /** A label value as the exposition format writes it: backslash, double quote and line feed escaped. */
    static String labelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}

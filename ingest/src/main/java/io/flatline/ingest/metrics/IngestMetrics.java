package io.flatline.ingest.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Ingest's Prometheus metrics, registered in a registry of its own so that tests and instances don't collide. */
public final class IngestMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter polls = Counter.builder().name("flatline_ingest_polls_total")
            .help("Polls made, successful or not").labelNames("device").register(registry);
    private final Counter failures = Counter.builder().name("flatline_ingest_poll_failures_total")
            .help("Polls that read nothing usable (connection, timeout, exception reply, garbage)")
            .labelNames("device").register(registry);
    private final Histogram latency = Histogram.builder().name("flatline_ingest_poll_latency_seconds")
            .help("Time to read all of a device's registers in one poll").labelNames("device").classicOnly()
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
            .register(registry);
    private final Gauge lastSuccess = Gauge.builder().name("flatline_ingest_last_success_timestamp_seconds")
            .help("When the device last answered a poll, seconds since the Unix epoch").labelNames("device")
            .register(registry);
    private final Counter publishFailures = Counter.builder().name("flatline_ingest_publish_failures_total")
            .help("Records Kafka did not accept within the delivery timeout: lost, and logged")
            .labelNames("topic").register(registry);
    private final Counter publishBlocked = Counter.builder().name("flatline_ingest_publish_blocked_total")
            .help("Times a poller waited for room in the producer's buffer (backpressure)").register(registry);

    public PrometheusRegistry registry() {
        return registry;
    }

    public Device device(String id) {
        return new Device(polls.labelValues(id), failures.labelValues(id), latency.labelValues(id), lastSuccess.labelValues(id));
    }

    /**
     * Exports the topic's publish failures at 0 from the start: a series that appears only with the first lost
     * record is one an alert rule's increase() cannot see go from 0 to 1.
     */
    public void publishFailuresFrom(String topic) {
        publishFailures.labelValues(topic);
    }

    public void publishFailed(String topic) {
        publishFailures.labelValues(topic).inc();
    }

    public void publishBlocked() {
        publishBlocked.inc();
    }

    /** One device's data points, bound once so a poll does no label lookups. */
    public record Device(CounterDataPoint polls, CounterDataPoint failures, DistributionDataPoint latency,
                         GaugeDataPoint lastSuccess) {
        public void succeeded(long latencyNanos, long epochMillis) {
            polls.inc();
            latency.observe(latencyNanos / 1e9);
            lastSuccess.set(epochMillis / 1e3);
        }

        public void failed(long latencyNanos) {
            polls.inc();
            failures.inc();
            latency.observe(latencyNanos / 1e9);
        }
    }
}

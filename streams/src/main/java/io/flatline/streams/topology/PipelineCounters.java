package io.flatline.streams.topology;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What the pipeline dropped or could not match, counted for the metrics endpoint and the logs. */
public final class PipelineCounters {

    final AtomicLong predictions = new AtomicLong();
    final AtomicLong badQuality = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong outOfOrder = new AtomicLong();
    final AtomicLong gaps = new AtomicLong();
    final AtomicLong comparisons = new AtomicLong();
    final AtomicLong joinMisses = new AtomicLong();
    final AtomicLong alerts = new AtomicLong();
    /** Records that failed while being handled, their effects undone and the record sent to the dead-letter topic. */
    final AtomicLong failed = new AtomicLong();
    /** Devices whose readings stopped for longer than the window's idleEviction, let go of in memory. */
    final AtomicLong evicted = new AtomicLong();
    /** Devices retired by a tombstone in the readings topic, their state deleted. */
    final AtomicLong retired = new AtomicLong();
    /** Devices moved to another model: by their board's report, or by the config. */
    final AtomicLong modelCuts = new AtomicLong();
    /** Board reports naming a model the application does not run: not compared. */
    final AtomicLong unknownModelReports = new AtomicLong();
    /** Board reports of another model than the device's reference runs (late ones of a previous model): not compared. */
    final AtomicLong otherModelReports = new AtomicLong();
    /** Changes of the model config taken while running, and changes that could not be used. */
    private final AtomicLong modelReloads = new AtomicLong();
    private final AtomicLong modelReloadFailures = new AtomicLong();

    public void modelReloaded() {
        modelReloads.incrementAndGet();
    }

    public void modelReloadFailed() {
        modelReloadFailures.incrementAndGet();
    }

    /** Every counter by its metric name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("predictions", predictions.get());
        out.put("readings_bad_quality", badQuality.get());
        out.put("readings_malformed", malformed.get());
        out.put("readings_duplicate", duplicates.get());
        out.put("readings_out_of_order", outOfOrder.get());
        out.put("window_gaps", gaps.get());
        out.put("board_comparisons", comparisons.get());
        out.put("board_join_misses", joinMisses.get());
        out.put("alerts", alerts.get());
        out.put("records_failed", failed.get());
        out.put("devices_evicted_idle", evicted.get());
        out.put("devices_retired", retired.get());
        out.put("device_model_changes", modelCuts.get());
        out.put("board_reports_unknown_model", unknownModelReports.get());
        out.put("board_reports_other_model", otherModelReports.get());
        out.put("model_config_reloads", modelReloads.get());
        out.put("model_config_reload_failures", modelReloadFailures.get());
        return out;
    }
}

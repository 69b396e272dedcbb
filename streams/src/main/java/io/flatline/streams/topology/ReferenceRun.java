package io.flatline.streams.topology;

import java.util.List;

import io.flatline.streams.compare.BoardMonitor.OpenAlert;
import io.flatline.streams.detect.RunDetector.RunState;

/** The reference detector's memory for one device: its run, and the verdicts its CLEARED records repeat. */
public record ReferenceRun(RunState run, List<OpenAlert> open) {
}

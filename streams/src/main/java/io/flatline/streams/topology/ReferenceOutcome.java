package io.flatline.streams.topology;

import io.flatline.schemas.Prediction;
import io.flatline.streams.alarm.Activity;

/**
 * What the inference processor hands the monitor for each reference window: the prediction, and what the
 * reference's detector made of it. Passed in memory from one processor to the next, never serialized.
 */
record ReferenceOutcome(Prediction prediction, Activity stuck, Activity stale) {
}

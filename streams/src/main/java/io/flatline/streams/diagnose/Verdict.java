package io.flatline.streams.diagnose;

import io.flatline.schemas.Diagnosis;

/** A diagnosis and the human-readable evidence behind it. */
public record Verdict(Diagnosis diagnosis, String evidence) {
}

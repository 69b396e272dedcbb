package io.flatline.ingest.devicemap;

import java.util.Optional;

/** The registers where a board reports its last inference; {@code inputCrc32} and {@code modelId} are optional. */
public record Board(RegisterRef counter, Optional<RegisterRef> inputCrc32, NetOut netOut, Optional<String> modelId) {
}

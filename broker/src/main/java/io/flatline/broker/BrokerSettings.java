package io.flatline.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How to start an {@link EmbeddedKafka}.
 *
 * @param port           the client listener's port, 0 for a free one
 * @param controllerPort the KRaft controller listener's port, 0 for a free one
 * @param dataDir        where the broker keeps its logs; empty for a temporary directory deleted on close
 * @param overrides      broker properties that replace the embedded defaults
 */
public record BrokerSettings(int port, int controllerPort, Optional<Path> dataDir, Map<String, String> overrides) {

    public BrokerSettings {
        overrides = Map.copyOf(overrides);
    }

    public static BrokerSettings defaults() {
        return new BrokerSettings(0, 0, Optional.empty(), Map.of());
    }

    public BrokerSettings withPort(int newPort) {
        return new BrokerSettings(newPort, controllerPort, dataDir, overrides);
    }

    public BrokerSettings withDataDir(Path dir) {
        return new BrokerSettings(port, controllerPort, Optional.of(dir), overrides);
    }
}

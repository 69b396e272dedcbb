package io.flatline.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.flatline.broker.BrokerSettings;
import io.flatline.broker.EmbeddedKafka;
import io.flatline.broker.KafkaCluster;
import io.flatline.schemas.Prediction;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.EngineReferenceModel;
import io.flatline.testkit.KafkaClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance restarted against a brand-new cluster (re-created, or a second run on one machine with the same state
 * directory and application id) on the local state of an earlier one starts afresh, every time: every prediction
 * comes from the new cluster's readings, none is dropped as an old seq.
 */
@ExtendWith(KafkaClusterExtension.class)
class LocalStateFromAnotherClusterTest {

    private static final List<String> DEVICES = List.of("c1", "c2", "c3");

    @TempDir
    Path dir;

    @Test
    void localStateOfAnotherClusterIsWipedAndRebuiltFromThisOne(KafkaCluster first) throws Exception {
        StreamsFixture before = new StreamsFixture(first, dir, StreamsFixture.defaultConfig());
        try (FlatlineStreams app = start(before)) {
            List<Prediction> predictions = new CopyOnWriteArrayList<>();
            try (AutoCloseable c = before.collect(before.topics().predictions(), predictions)) {
                before.sendReadings(DEVICES, 1, 120, 9);
                await().atMost(Duration.ofSeconds(90)).until(() -> predictions.size() >= DEVICES.size() * 71);
            }
        }
        Path identity = LocalStateIdentity.file(Path.of(before.instance("a").get("state.dir")), before.prefix);
        String firstCluster = LocalStateIdentity.read(identity).orElseThrow().clusterId();

        try (EmbeddedKafka second = EmbeddedKafka.start(BrokerSettings.defaults())) {
            StreamsFixture after = new StreamsFixture(second, dir, StreamsFixture.defaultConfig());
            after.properties.putAll(before.properties);
            try (FlatlineStreams app = start(after)) {
                List<Prediction> predictions = new CopyOnWriteArrayList<>();
                try (AutoCloseable c = after.collect(after.topics().predictions(), predictions)) {
                    // The new cluster's readings start again at seq 1: below what the old state holds.
                    after.sendReadings(DEVICES, 1, 80, 10);
                    await().atMost(Duration.ofSeconds(90))
                            .until(() -> predictions.size() >= DEVICES.size() * (80 - StreamsFixture.STEPS + 1));
                }
            }
            try (var admin = second.admin()) {
                assertThat(LocalStateIdentity.read(identity)).get().extracting(LocalStateIdentity::clusterId)
                        .isNotEqualTo(firstCluster).isEqualTo(admin.describeCluster().clusterId().get());
            }
        }
    }

    private static FlatlineStreams start(StreamsFixture fixture) throws Exception {
        ModelConfig config = ModelConfig.load(fixture.configFile);
        return FlatlineStreams.start(new StreamsSettings(fixture.configFile, fixture.kafka.bootstrapServers(),
                fixture.instance("a"), Optional.<InetSocketAddress>empty()), config, EngineReferenceModel.load(config.defaultModel()));
    }
}

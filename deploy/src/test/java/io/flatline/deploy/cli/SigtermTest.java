package io.flatline.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.flatline.broker.KafkaCluster;
import io.flatline.schemas.topic.Topics;
import io.flatline.simulator.fleet.BoardModel;
import io.flatline.simulator.fleet.BoardSpec;
import io.flatline.simulator.fleet.Fault;
import io.flatline.simulator.fleet.FleetSimulator;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what Kubernetes sends on a rolling restart, and Ctrl-C) stops {@code flatline ingest} in seconds, well
 * within Kubernetes' 30 s grace period: the launcher's process, as a container runs it. ({@code flatline streams}:
 * StreamsScalingTest.)
 */
@ExtendWith(KafkaClusterExtension.class)
class SigtermTest {

    @TempDir
    Path dir;

    @Test
    void ingestStopsWithinSecondsOfSigterm(KafkaCluster kafka) throws Exception {
        String prefix = KafkaClusterExtension.uniqueName("sigterm");
        String topic = prefix + ".readings";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1),
                    new NewTopic(prefix + ".board-inferences", 1, (short) 1))).all().get();
        }
        try (FleetSimulator fleet = FleetSimulator.start(List.of(
                new BoardSpec("board-01", Fault.HEALTHY, BoardModel.seed(1), 1, 0)))) {
            Path devices = fleet.writeDeviceMap(dir.resolve("devices.yaml"));
            // Kept in target/ for a look after a failure; the temporary directory is gone by then.
            File log = Path.of("target", topic + "-ingest.log").toFile();
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), Flatline.class.getName(), "ingest",
                    "--devices", devices.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                    "--property", Topics.TOPIC_PREFIX + "sensor-readings=" + topic,
                    "--property", Topics.TOPIC_PREFIX + "board-inferences=" + prefix + ".board-inferences")
                    .redirectErrorStream(true).redirectOutput(log).start();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.GROUP_ID_CONFIG, topic), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(topic));
                await().atMost(Duration.ofSeconds(60)).until(() -> !consumer.poll(Duration.ofMillis(200)).isEmpty());

                long asked = System.nanoTime();
                child.destroy();
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s; its log: %s", log).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(10));
            } finally {
                child.destroyForcibly();
            }
        }
    }
}

package io.flatline.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.flatline.broker.KafkaCluster;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Topic creation through a real broker: what is created, what is left alone, and when the topics can be used. */
@ExtendWith(KafkaClusterExtension.class)
class TopicProvisionerTest {

    private static final int PARTITIONS = 3;

    @Test
    void createsOnlyMissingTopicsAndHandsThemOverOnceEveryPartitionAnswers(KafkaCluster kafka) throws Exception {
        String prefix = KafkaClusterExtension.uniqueName("prov");
        Map<String, String> names = new HashMap<>();
        for (String id : Topics.ids()) {
            names.put(Topics.TOPIC_PREFIX + id, prefix + "." + id);
        }
        Topics topics = Topics.fromConfig(names);
        String existing = topics.sensorReadings().name();
        kafka.createTopic(existing, 1);
        String deadLetters = prefix + ".dead-letters";

        try (Admin admin = kafka.admin()) {
            List<String> created = TopicProvisioner.ensure(admin, topics.all(), List.of(deadLetters), PARTITIONS,
                    (short) -1, Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));

            assertThat(created).doesNotContain(existing).contains(deadLetters)
                    .hasSize(topics.all().size());
            // Offsets are answered by each partition's leader and not retried on an unknown topic: they are the
            // first thing a client asks that fails when a new topic is not yet known everywhere.
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String name : created) {
                for (int p = 0; p < PARTITIONS; p++) {
                    latest.put(new TopicPartition(name, p), OffsetSpec.latest());
                }
            }
            assertThat(admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS)).hasSize(latest.size());
            assertThat(admin.describeTopics(List.of(existing)).allTopicNames().get().get(existing).partitions())
                    .as("an existing topic keeps its partitions").hasSize(1);

            var configs = admin.describeConfigs(List.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, deadLetters),
                    new ConfigResource(ConfigResource.Type.TOPIC, topics.deviceHealth().name()))).all().get();
            assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, deadLetters))
                    .get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("-1");
            assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topics.deviceHealth().name()))
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);

            assertThat(TopicProvisioner.ensure(admin, topics.all(), List.of(deadLetters), PARTITIONS, (short) -1))
                    .as("a second call creates nothing").isEmpty();
        }
    }
}

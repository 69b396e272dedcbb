package io.flatline.deploy.replay;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.flatline.schemas.topic.TopicProvisioner;
import io.flatline.schemas.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The topics a replay writes, and what is left to read of the ones it reads. */
final class ReplayOutputs {

    private ReplayOutputs() {
    }

    /**
     * Creates the replay's output topics, keeping their records until someone deletes the topics. A replay's
     * records carry the times of the readings they come from; in a topic with the broker's time retention
     * (7 days by default) a replay of older history would be deleted as soon as it was written.
     */
    static void create(Admin admin, Topics outputs, int partitions) {
        TopicProvisioner.ensure(admin, List.of(outputs.predictions(), outputs.boardComparisons(), outputs.alerts(),
                outputs.deviceHealth()), List.of(), Math.max(1, partitions), (short) -1,
                Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
    }

    /**
     * Whether the input partitions hold no record to process between where the replay stands and the plan's end:
     * a transactional producer's commit markers and aborted records take offsets that no consumer ever gets, so
     * committed offsets can stop short of the end offsets for good.
     */
    static boolean nothingLeftToRead(Map<String, Object> clientProperties, ReplayPlan plan,
                                     Map<TopicPartition, Long> committed) {
        Map<TopicPartition, Long> from = new HashMap<>();
        plan.end().forEach((tp, end) -> {
            long at = committed.getOrDefault(tp, plan.start().get(tp));
            if (at < end) {
                from.put(tp, at);
            }
        });
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.keySet().retainAll(ConsumerConfig.configNames());
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            Set<TopicPartition> open = new HashSet<>(from.keySet());
            while (!open.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < plan.end().get(tp)) {
                        return false;
                    }
                }
                open.removeIf(tp -> consumer.position(tp) >= plan.end().get(tp));
            }
            return true;
        }
    }
}

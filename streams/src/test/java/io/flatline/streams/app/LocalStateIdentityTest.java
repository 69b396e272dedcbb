package io.flatline.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.flatline.broker.KafkaCluster;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaClusterExtension.class)
class LocalStateIdentityTest {

    @TempDir
    Path dir;

    /** The application asks for its input topics' ids right after creating them, before every broker knows them. */
    @Test
    void aTopicTheBrokersDoNotKnowYetIsAskedForAgain(KafkaCluster cluster) throws Exception {
        String topic = KafkaClusterExtension.uniqueName("identity");
        try (CountingAdmin admin = new CountingAdmin(cluster.bootstrapServers())) {
            CompletableFuture<LocalStateIdentity> identity = CompletableFuture.supplyAsync(
                    () -> LocalStateIdentity.of(admin, List.of(topic), Duration.ofSeconds(30)));
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.unanswered.get() > 0);
            cluster.createTopic(topic, 1);

            LocalStateIdentity found = identity.get(30, TimeUnit.SECONDS);
            String id = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId().toString();
            assertThat(found.topicIds()).isEqualTo(Map.of(topic, id));
            assertThat(found.clusterId()).isEqualTo(admin.describeCluster().clusterId().get());
        }
    }

    @Test
    void aTopicThatNeverComesIsNamed(KafkaCluster cluster) {
        String topic = KafkaClusterExtension.uniqueName("never");
        try (Admin admin = cluster.admin()) {
            assertThatThrownBy(() -> LocalStateIdentity.of(admin, List.of(topic), Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(topic).hasMessageContaining("within 1 s");
        }
    }

    @Test
    void writtenIdentityReadsBackEqual() {
        LocalStateIdentity identity = new LocalStateIdentity("cluster-1", Map.of("b", "id-b", "a", "id-a"));
        Path file = LocalStateIdentity.file(dir, "app");
        identity.write(file);
        assertThat(LocalStateIdentity.read(file)).contains(identity);
        assertThat(LocalStateIdentity.read(dir.resolve("absent"))).isEmpty();
    }

    /** Counts the questions about topics that came back unknown, so the test creates its topic only after one. */
    private static final class CountingAdmin extends ForwardingAdmin {
        final AtomicInteger unanswered = new AtomicInteger();

        CountingAdmin(String bootstrapServers) {
            super(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        }

        @Override
        public DescribeTopicsResult describeTopics(TopicCollection topics, DescribeTopicsOptions options) {
            DescribeTopicsResult result = super.describeTopics(topics, options);
            result.allTopicNames().whenComplete((names, failure) -> {
                if (failure != null) {
                    unanswered.incrementAndGet();
                }
            });
            return result;
        }
    }
}

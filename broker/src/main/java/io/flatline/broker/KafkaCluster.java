package io.flatline.broker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** A Kafka cluster a test or the local stack talks to: the embedded broker, or one run elsewhere. */
public interface KafkaCluster extends AutoCloseable {

    String bootstrapServers();

    /** A new admin client; the caller closes it. */
    Admin admin();

    /** Creates a topic with one replica; a topic that already exists is left as it is. */
    default void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create topic " + name + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out creating topic " + name, e);
        }
    }

    default void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    @Override
    void close();
}

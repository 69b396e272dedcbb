package io.flatline.broker;

import java.util.Map;

import org.apache.kafka.clients.admin.Admin;

/** A Kafka cluster a test or the local stack talks to: the embedded broker, or one run elsewhere. */
public interface KafkaCluster extends AutoCloseable {

    String bootstrapServers();

    /** A new admin client; the caller closes it. */
    Admin admin();

    /** Creates a topic with one replica; a topic that already exists is left as it is. */
    void createTopic(String name, int partitions, Map<String, String> configs);

    default void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    @Override
    void close();
}

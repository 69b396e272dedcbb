package io.flatline.testkit;

import java.util.Map;

import io.flatline.broker.KafkaCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** Apache Kafka's own image under Testcontainers, for machines that have a Docker engine. */
final class ContainerKafka implements KafkaCluster {

    /** Apache Kafka's own image, at the version of the client the project builds with. */
    static final String IMAGE = "apache/kafka:" + org.apache.kafka.common.utils.AppInfoParser.getVersion();

    private static ContainerKafka shared;

    private final KafkaContainer container;

    private ContainerKafka(KafkaContainer container) {
        this.container = container;
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    static synchronized ContainerKafka shared() {
        if (shared == null) {
            KafkaContainer container = new KafkaContainer(IMAGE);
            container.start();
            shared = new ContainerKafka(container);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "kafka-container-shutdown"));
        }
        return shared;
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    @Override
    public void close() {
        container.stop();
    }
}

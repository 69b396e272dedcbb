package io.flatline.testkit;

import java.util.Locale;
import java.util.UUID;

import io.flatline.broker.EmbeddedKafka;
import io.flatline.broker.KafkaCluster;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands a test a real Kafka cluster as a {@link KafkaCluster} parameter. One cluster serves every test of a
 * module run; tests create their own topics (see {@link #uniqueName(String)}).
 *
 * <p>The system property {@value #BACKEND_PROPERTY} picks the cluster: {@code embedded} (the default) is the
 * in-process KRaft broker; {@code testcontainers} runs Apache Kafka's image where a Docker engine exists, and
 * skips the test, saying why, where none does.
 */
public final class KafkaClusterExtension implements ParameterResolver, ExecutionCondition {

    public static final String BACKEND_PROPERTY = "flatline.test.kafka";

    /** Without a Docker engine, the Testcontainers backend skips the tests that need Kafka, saying why. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (backend().equals("testcontainers") && !ContainerKafka.dockerAvailable()) {
            return ConditionEvaluationResult.disabled("-D" + BACKEND_PROPERTY
                    + "=testcontainers needs a Docker engine, and none answers here");
        }
        return ConditionEvaluationResult.enabled("Kafka backend: " + backend());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType().isAssignableFrom(KafkaCluster.class)
                || parameter.getParameter().getType() == EmbeddedKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == EmbeddedKafka.class) {
            // Tests that take the broker down need the embedded one whatever the backend.
            return EmbeddedKafka.shared();
        }
        return cluster();
    }

    /** The cluster the backend property selects, started on first use. */
    public static KafkaCluster cluster() {
        String backend = backend();
        switch (backend) {
            case "embedded":
                return EmbeddedKafka.shared();
            case "testcontainers":
                return ContainerKafka.shared();
            default:
                throw new IllegalArgumentException("-D" + BACKEND_PROPERTY + "=" + backend
                        + " is not a Kafka backend; use embedded or testcontainers");
        }
    }

    private static String backend() {
        return System.getProperty(BACKEND_PROPERTY, "embedded").toLowerCase(Locale.ROOT);
    }

    /** A topic or group name no other test uses. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

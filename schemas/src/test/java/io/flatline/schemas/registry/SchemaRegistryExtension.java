package io.flatline.schemas.registry;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands a test a real schema registry as an {@link ApicurioRegistry} parameter. One registry serves every test
 * of a module run (it starts on first use and stops when the run ends); tests use subjects of their own. Where
 * none can be had (the bundle was not unpacked, or the registry does not start), the tests are skipped, saying
 * why.
 */
public final class SchemaRegistryExtension implements ExecutionCondition, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            SchemaRegistryExtension.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Started started = started(context);
        return started.registry == null
                ? ConditionEvaluationResult.disabled("No schema registry for this test: " + started.failure)
                : ConditionEvaluationResult.enabled("Apicurio Registry at " + started.registry.url());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ApicurioRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return started(context).registry;
    }

    /** Started once in the root context, whose store closes it when the run ends. */
    private static Started started(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Started.class, k -> Started.start(),
                Started.class);
    }

    /** Closeable both ways: JUnit's older stores close a CloseableResource, newer ones an AutoCloseable. */
    private static final class Started implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final ApicurioRegistry registry;
        final String failure;

        private Started(ApicurioRegistry registry, String failure) {
            this.registry = registry;
            this.failure = failure;
        }

        static Started start() {
            try {
                return new Started(ApicurioRegistry.start(), null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Started(null, "interrupted while starting it");
            } catch (Exception e) {
                return new Started(null, e.getMessage());
            }
        }

        @Override
        public void close() {
            if (registry != null) {
                registry.close();
            }
        }
    }
}

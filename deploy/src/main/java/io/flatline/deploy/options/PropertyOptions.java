package io.flatline.deploy.options;

import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.Option;

/** The options every command that talks to Kafka shares: where the cluster is, and pass-through properties. */
public final class PropertyOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    public String bootstrapServers;

    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE",
            description = "A Kafka client property (security.protocol, sasl.*, ssl.*, ...), a Flatline one"
                    + " (flatline.topic.<id>=NAME, flatline.serde.format=confluent) or a schema registry's"
                    + " (schema.registry.url, basic.auth.*, schema.registry.ssl.*). Repeatable.")
    public Map<String, String> properties = new LinkedHashMap<>();
}

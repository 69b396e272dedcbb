package io.flatline.schemas.serde;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.flatline.schemas.registry.RegistrySettings;
import io.flatline.schemas.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;

/**
 * How Flatline's services write record values, chosen with {@code flatline.serde.format}: Avro's single-object
 * encoding (the default, no registry needed) or the Confluent wire format, whose schema ids come from the
 * registry at {@code schema.registry.url}. Wherever a registry is configured, readers take both formats.
 */
public enum WireFormat {
    SINGLE_OBJECT("single-object"),
    CONFLUENT("confluent");

    public static final String PROPERTY = "flatline.serde.format";

    private final String configName;

    WireFormat(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** The format configured, single-object when none is. */
    public static WireFormat of(Map<String, ?> config) {
        Object value = config.get(PROPERTY);
        if (value == null) {
            return SINGLE_OBJECT;
        }
        String name = value.toString().strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.configName.equals(name)).findFirst()
                .orElseThrow(() -> new ConfigException(PROPERTY, value, "the formats are " + Arrays.stream(values())
                        .map(WireFormat::configName).collect(Collectors.joining(", "))));
    }

    /**
     * The serde factory of the configured format. With a registry URL it checks, now, that the registry answers:
     * a service that cannot reach it stops at start, saying so.
     */
    public static ValueSerdeFactory factoryFor(Map<String, ?> config) {
        WireFormat format = of(config);
        Optional<RegistrySettings> registry = RegistrySettings.from(config);
        if (registry.isEmpty()) {
            if (format == CONFLUENT) {
                throw new ConfigException(PROPERTY, format.configName, "the Confluent wire format needs a schema"
                        + " registry: set " + RegistrySettings.URL);
            }
            return new ValueSerdeFactory.SingleObject();
        }
        SchemaRegistryClient client = new SchemaRegistryClient(registry.get());
        client.checkReachable();
        return new Registry(client, format == CONFLUENT);
    }

    /** Serdes that read both formats, sharing one registry client. */
    private static final class Registry implements ValueSerdeFactory {
        private final SchemaRegistryClient client;
        private final boolean writesConfluent;

        Registry(SchemaRegistryClient client, boolean writesConfluent) {
            this.client = client;
            this.writesConfluent = writesConfluent;
        }

        @Override
        public <T extends SpecificRecord> Serde<T> serdeFor(Class<T> recordClass, Map<String, ?> config) {
            return new ConfluentSerde<>(recordClass, client, writesConfluent);
        }
    }
}

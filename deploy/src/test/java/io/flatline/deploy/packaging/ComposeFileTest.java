package io.flatline.deploy.packaging;

import static io.flatline.deploy.packaging.Packaging.documents;
import static io.flatline.deploy.packaging.Packaging.listAt;
import static io.flatline.deploy.packaging.Packaging.map;
import static io.flatline.deploy.packaging.Packaging.mapAt;
import static io.flatline.deploy.packaging.Packaging.stringAt;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.flatline.ingest.devicemap.DeviceMap;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.config.ModelConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Holds deploy/compose/compose.yaml to the code. There is no Docker engine where these tests run, so this is
 * what stands between the file and a user: the topics it creates, the commands it runs, the files it mounts.
 */
class ComposeFileTest {

    private static final Path DIR = Packaging.moduleDir().resolve("compose");
    private static final Pattern CREATE = Pattern.compile(
            "--topic\\s+(\\S+)\\s+--partitions\\s+(\\d+)((?:\\s+--config\\s+\\S+)*)");
    private static Map<String, Object> services;

    private record Created(int partitions, Map<String, String> config) {
    }

    @BeforeAll
    static void read() {
        List<Map<String, Object>> docs = documents(DIR.resolve("compose.yaml"));
        assertThat(docs).hasSize(1);
        services = mapAt(docs.get(0), "services");
    }

    private static Map<String, Object> service(String name) {
        assertThat(services).as("services").containsKey(name);
        return map(services.get(name));
    }

    private static CommandLine.ParseResult command(String service) {
        return Packaging.parse(listAt(service(service), "command"));
    }

    /** The topics the topics service creates, from its kafka-topics.sh lines. */
    private static Map<String, Created> createdTopics() {
        String script = String.join("\n", listAt(service("topics"), "command").stream().map(String::valueOf).toList());
        Map<String, Created> created = new LinkedHashMap<>();
        Matcher m = CREATE.matcher(script);
        while (m.find()) {
            Map<String, String> config = new LinkedHashMap<>();
            for (String kv : m.group(3).trim().split("\\s*--config\\s+")) {
                if (!kv.isBlank()) {
                    String[] parts = kv.split("=", 2);
                    config.put(parts[0], parts.length > 1 ? parts[1] : "");
                }
            }
            assertThat(created.put(m.group(1), new Created(Integer.parseInt(m.group(2)), config)))
                    .as("topic %s created twice", m.group(1)).isNull();
        }
        return created;
    }

    private static Map<String, String> kafkaEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        mapAt(service("kafka"), "environment").forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    /** host:port -> container path of a service's volumes (short syntax), with ":ro" and the like removed. */
    private static Map<String, String> mounts(String service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (Object volume : listAt(service(service), "volumes")) {
            String[] parts = String.valueOf(volume).split(":");
            mounts.put(parts[0], parts[1]);
        }
        return mounts;
    }

    private static Optional<String> sourceMountedAt(String service, Path path) {
        return mounts(service).entrySet().stream()
                .filter(e -> path.toString().equals(e.getValue()) || path.startsWith(Path.of(e.getValue())))
                .map(e -> {
                    Path inside = Path.of(e.getValue()).relativize(path);
                    return e.getKey() + (inside.toString().isEmpty() ? "" : "/" + inside);
                })
                .findFirst();
    }

    @Test
    void hasKafkaTopicsIngestAndStreams() {
        assertThat(services).containsKeys("kafka", "topics", "ingest", "streams");
        assertThat(stringAt(service("kafka"), "image")).startsWith("apache/kafka:");
        assertThat(stringAt(service("topics"), "image")).isEqualTo(stringAt(service("kafka"), "image"));
        assertThat(command("ingest").commandSpec().name()).isEqualTo("ingest");
        assertThat(command("streams").commandSpec().name()).isEqualTo("streams");
    }

    @Test
    void createsEveryRegistryTopicAndTheDeadLetterTopicWithTheRegistrysCompaction() {
        Map<String, Boolean> required = Packaging.requiredTopics();
        Map<String, Created> created = createdTopics();
        assertThat(created.keySet()).containsExactlyInAnyOrderElementsOf(required.keySet());
        required.forEach((name, compacted) -> assertThat(
                "compact".equals(created.get(name).config().get("cleanup.policy")))
                .as("%s compacted", name).isEqualTo(compacted));
    }

    @Test
    void theInputTopicsAreCoPartitionedAndStreamsWouldCreateThemAlike() {
        Topics topics = Topics.defaults();
        Map<String, Created> created = createdTopics();
        int readings = created.get(topics.sensorReadings().name()).partitions();
        assertThat(created.get(topics.boardInferences().name()).partitions()).isEqualTo(readings);
        assertThat(Packaging.properties(command("streams")).get("flatline.partitions"))
                .isEqualTo(String.valueOf(readings));
    }

    @Test
    void everyoneTalksToTheBrokersAdvertisedListener() {
        Map<String, String> env = kafkaEnvironment();
        String listener = env.get("KAFKA_INTER_BROKER_LISTENER_NAME");
        String advertised = List.of(env.get("KAFKA_ADVERTISED_LISTENERS").split(",")).stream()
                .filter(l -> l.startsWith(listener + "://")).map(l -> l.substring(listener.length() + 3))
                .findFirst().orElseThrow(() -> new AssertionError("no advertised listener " + listener));
        assertThat(advertised).startsWith(stringAt(service("kafka"), "hostname") + ":");

        String script = String.join("\n", listAt(service("topics"), "command").stream().map(String::valueOf).toList());
        Matcher m = Pattern.compile("--bootstrap-server\\s+(\\S+)").matcher(script);
        assertThat(m.find()).as("the topics script names its bootstrap server").isTrue();
        assertThat(m.group(1)).isEqualTo(advertised);
        for (String service : List.of("ingest", "streams")) {
            assertThat(command(service).<String>matchedOptionValue("--bootstrap-servers", null)).as(service)
                    .isEqualTo(advertised);
            assertThat(stringAt(mapAt(service(service), "depends_on"), "topics", "condition"))
                    .isEqualTo("service_completed_successfully");
        }
    }

    @Test
    void exactlyOnceWorksOnTheSingleBroker() {
        // Kafka Streams' default exactly_once_v2 needs the transaction log; with the broker defaults (3 replicas)
        // on one node it could never be created and streams would hang at start.
        Map<String, String> env = kafkaEnvironment();
        assertThat(env.get("KAFKA_PROCESS_ROLES")).contains("broker").contains("controller");
        assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR")).isEqualTo("1");
        assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")).isEqualTo("1");
        assertThat(env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR")).isEqualTo("1");
        String script = String.join("\n", listAt(service("topics"), "command").stream().map(String::valueOf).toList());
        assertThat(script).contains("--replication-factor 1").doesNotContain("--replication-factor 3");
    }

    @Test
    void streamsKeepsStateOnAVolumeAndAdvertisesItsOwnAddress() {
        CommandLine.ParseResult streams = command("streams");
        String stateDir = Packaging.properties(streams).get("state.dir");
        assertThat(stateDir).isNotBlank();
        assertThat(mounts("streams")).containsValue(stateDir);
        String volume = mounts("streams").entrySet().stream().filter(e -> e.getValue().equals(stateDir))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        assertThat(mapAt(Packaging.documents(DIR.resolve("compose.yaml")).get(0), "volumes"))
                .as("a named volume, so state outlives the container").containsKey(volume);

        String http = streams.matchedOptionValue("--http", null);
        assertThat(http).startsWith("0.0.0.0:");
        String port = http.substring(http.lastIndexOf(':') + 1);
        assertThat(Packaging.properties(streams).get("application.server"))
                .isEqualTo(stringAt(service("streams"), "hostname") + ":" + port);
        assertThat(listAt(service("streams"), "ports").stream().map(String::valueOf))
                .as("the API published on the host's loopback").contains("127.0.0.1:" + port + ":" + port);
    }

    @Test
    void theMountedDeviceMapAndModelConfigExistAndLoad(@TempDir Path scratch) throws Exception {
        Path devicesInContainer = command("ingest").matchedOptionValue("--devices", null);
        String devicesSource = sourceMountedAt("ingest", devicesInContainer)
                .orElseThrow(() -> new AssertionError("nothing mounted at " + devicesInContainer));
        Path devices = DIR.resolve(devicesSource).normalize();
        DeviceMap map = Packaging.deviceMap(devices, Files.readString(devices));
        assertThat(map.devices()).isNotEmpty();

        Path configInContainer = command("streams").matchedOptionValue("--config", null);
        String configSource = sourceMountedAt("streams", configInContainer)
                .orElseThrow(() -> new AssertionError("nothing mounted at " + configInContainer));
        Path config = DIR.resolve(configSource).normalize();
        ModelConfig model = Packaging.modelConfig(scratch, Files.readString(config));
        assertThat(model.normalization().channels()).isEqualTo(map.devices().get(0).channels().size());
        // the model file is resolved beside the config, so the whole directory must be mounted
        assertThat(sourceMountedAt("streams", configInContainer.getParent())).isPresent();
    }

    @Test
    void ingestAndStreamsRunTheImageJibBuilds() {
        String image = "${FLATLINE_IMAGE:-flatline:" + Packaging.projectVersion() + "}";
        assertThat(stringAt(service("ingest"), "image")).isEqualTo(image);
        assertThat(stringAt(service("streams"), "image")).isEqualTo(image);
    }
}

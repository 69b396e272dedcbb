package io.flatline.deploy.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import io.flatline.deploy.cli.Flatline;
import io.flatline.ingest.devicemap.DeviceMap;
import io.flatline.ingest.devicemap.DeviceMapLoader;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.app.StreamsSettings;
import io.flatline.streams.config.ModelConfig;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

/** What the packaging tests share: reading the YAML files, walking them, and the facts they are held to. */
final class Packaging {

    private Packaging() {
    }

    /** The deploy module's directory (surefire runs tests there and says so in {@code basedir}). */
    static Path moduleDir() {
        Path dir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        assertThat(dir.resolve("pom.xml")).as("the deploy module's directory").isRegularFile();
        return dir;
    }

    /** Every document of a YAML file, as maps, lists and scalars. */
    static List<Map<String, Object>> documents(Path file) {
        assertThat(file).isRegularFile();
        try {
            List<Map<String, Object>> docs = new ArrayList<>();
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
                if (doc != null) {
                    assertThat(doc).as("a document of %s", file).isInstanceOf(Map.class);
                    docs.add(map(doc));
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        assertThat(node).isInstanceOf(List.class);
        return (List<Object>) node;
    }

    /** The node at a path of keys; fails, naming the path, when a key is missing. */
    static Object at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            Map<String, Object> m = map(current);
            assertThat(m).as("key '%s' of path %s", key, String.join(".", path)).containsKey(key);
            current = m.get(key);
        }
        return current;
    }

    static Map<String, Object> mapAt(Object node, String... path) {
        return map(at(node, path));
    }

    static List<Object> listAt(Object node, String... path) {
        return list(at(node, path));
    }

    static String stringAt(Object node, String... path) {
        return String.valueOf(at(node, path));
    }

    static int intAt(Object node, String... path) {
        return Integer.parseInt(stringAt(node, path));
    }

    /** The topic names Flatline needs on a cluster: the registry's topics and the streams dead-letter topic. */
    static Map<String, Boolean> requiredTopics() {
        Map<String, Boolean> compactedByName = new LinkedHashMap<>();
        for (Topic<String, ?> topic : Topics.defaults().all()) {
            compactedByName.put(topic.name(), topic.compacted());
        }
        compactedByName.put(StreamsSettings.DEFAULT_DEAD_LETTER_TOPIC, false);
        assertThat(compactedByName).hasSize(Topics.ids().size() + 1).containsValue(true);
        return compactedByName;
    }

    static String inputTopic(Topics topics, boolean readings) {
        return readings ? topics.sensorReadings().name() : topics.boardInferences().name();
    }

    /** Parses a service's arguments with the launcher's own command line: an unknown option fails here. */
    static CommandLine.ParseResult parse(List<Object> args) {
        List<String> strings = args.stream().map(String::valueOf).toList();
        CommandLine.ParseResult result = Flatline.commandLine().parseArgs(strings.toArray(String[]::new));
        assertThat(result.hasSubcommand()).as("a subcommand in %s", strings).isTrue();
        return result.subcommand();
    }

    static Map<String, String> properties(CommandLine.ParseResult command) {
        return command.matchedOptionValue("--property", Map.<String, String>of());
    }

    /** The version the pom builds, hence the tag of the image jib writes. */
    static String projectVersion() {
        Properties props = new Properties();
        try (InputStream in = Flatline.class.getResourceAsStream("/flatline-version.properties")) {
            assertThat(in).isNotNull();
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = props.getProperty("version");
        assertThat(version).doesNotContain("${");
        return version;
    }

    /** Loads a device map as the ingest service would; fails with its problems. */
    static DeviceMap deviceMap(Path file, String text) throws Exception {
        return DeviceMapLoader.parse(file, text);
    }

    /**
     * Loads a model config as the streams service would, in a scratch directory where a stand-in of its model
     * file exists (the real {@code .tflite} is the user's, not in the repository).
     */
    static ModelConfig modelConfig(Path scratch, String text) throws IOException {
        Path file = Files.writeString(scratch.resolve("model.yaml"), text);
        Object modelFile = at(new Yaml(new SafeConstructor(new LoaderOptions())).load(text), "model", "file");
        Files.write(scratch.resolve(String.valueOf(modelFile)), new byte[] {0});
        return ModelConfig.load(file);
    }

    static Set<String> sorted(java.util.Collection<String> names) {
        return new TreeSet<>(names);
    }
}

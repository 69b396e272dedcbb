package io.flatline.streams.app;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * Which cluster and which input topics an instance's local state was built from: the cluster id and the input
 * topics' ids, which change when the cluster or a topic is created anew. Kept beside the application's state
 * directory ({@code <state.dir>/<application.id>.flatline-identity}). Local state built from other ones must not
 * be used: Kafka Streams takes an empty changelog as fully restored without looking at the local offsets, so a
 * task could keep stores from an earlier cluster and drop every new reading as an old seq.
 *
 * @param topicIds input topic name to its topic id
 */
record LocalStateIdentity(String clusterId, Map<String, String> topicIds) {

    LocalStateIdentity {
        topicIds = Map.copyOf(new TreeMap<>(topicIds));
    }

    /** The identity of what the application reads now. */
    static LocalStateIdentity of(Admin admin, List<String> inputTopics) {
        try {
            String cluster = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
            Map<String, TopicDescription> topics = admin.describeTopics(inputTopics).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            Map<String, String> ids = new TreeMap<>();
            topics.forEach((name, description) -> ids.put(name, description.topicId().toString()));
            return new LocalStateIdentity(cluster, ids);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the cluster's and the input topics' ids: " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the cluster's id", e);
        }
    }

    static Path file(Path stateDir, String applicationId) {
        return stateDir.resolve(applicationId + ".flatline-identity");
    }

    /** The identity the local state was built from; empty when there is none yet. */
    static Optional<LocalStateIdentity> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        Map<String, String> ids = new TreeMap<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith("topic."))
                .forEach(k -> ids.put(k.substring("topic.".length()), p.getProperty(k)));
        return Optional.of(new LocalStateIdentity(p.getProperty("cluster", ""), ids));
    }

    void write(Path file) {
        Properties p = new Properties();
        p.setProperty("cluster", clusterId);
        topicIds.forEach((name, id) -> p.setProperty("topic." + name, id));
        try {
            Files.createDirectories(file.getParent());
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                p.store(out, "The cluster and input topics Flatline's local state was built from");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}

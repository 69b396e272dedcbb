package io.flatline.streams.app;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

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

    /** Between two questions about a topic the brokers did not know yet; its metadata spreads within milliseconds. */
    private static final long RETRY_BACKOFF_MS = 100;

    LocalStateIdentity {
        topicIds = Map.copyOf(new TreeMap<>(topicIds));
    }

    /**
     * The identity of what the application reads now. A topic created a moment ago may not be known to every broker
     * yet (its metadata spreads asynchronously), so an unknown topic is asked for again until {@code patience} runs
     * out; only then is it an error, naming the topics.
     */
    static LocalStateIdentity of(Admin admin, List<String> inputTopics, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        try {
            String cluster = admin.describeCluster().clusterId().get(patience.toMillis(), TimeUnit.MILLISECONDS);
            while (true) {
                try {
                    Map<String, TopicDescription> topics = admin.describeTopics(inputTopics).allTopicNames()
                            .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    Map<String, String> ids = new TreeMap<>();
                    topics.forEach((name, description) -> ids.put(name, description.topicId().toString()));
                    return new LocalStateIdentity(cluster, ids);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    TimeUnit.MILLISECONDS.sleep(RETRY_BACKOFF_MS);
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the cluster's and the input topics' ids " + inputTopics
                    + " within " + patience.toSeconds() + " s: " + e.getMessage(), e);
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

package io.flatline.schemas.topic;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics a service writes or reads when they do not exist yet, with the settings the registry
 * gives them (the health topic compacted). Topics that exist are left as they are: on a real cluster their
 * partitions and replication are the operators' choice.
 */
public final class TopicProvisioner {

    private TopicProvisioner() {
    }

    /**
     * @param partitions  partitions of each new topic; Flatline's input topics must share one count
     * @param replication replicas of each new topic, or -1 for the broker's default
     * @return the names of the topics that were created
     */
    public static List<String> ensure(Admin admin, Collection<Topic<String, ?>> topics, Collection<String> extraNames,
                                      int partitions, short replication) {
        return ensure(admin, topics, extraNames, partitions, replication, Map.of());
    }

    /** The same, every topic it creates with {@code configs} too (a compacted topic ignores time retention). */
    public static List<String> ensure(Admin admin, Collection<Topic<String, ?>> topics, Collection<String> extraNames,
                                      int partitions, short replication, Map<String, String> configs) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<String, ?> topic : topics) {
                if (!existing.contains(topic.name())) {
                    missing.add(newTopic(topic.name(), partitions, replication, topic.compacted(), configs));
                }
            }
            for (String name : extraNames) {
                if (!existing.contains(name)) {
                    missing.add(newTopic(name, partitions, replication, false, configs));
                }
            }
            List<String> created = new ArrayList<>();
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + entry.getKey() + ": "
                                + e.getCause().getMessage(), e);
                    }
                }
            }
            awaitLeaders(admin, created);
            return created;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot list the cluster's topics: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e.getMessage() != null ? e.getMessage()
                    : "The cluster did not answer within 30 s while checking topics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking topics", e);
        }
    }

    /**
     * Waits until every partition of the new topics has a leader in the metadata the brokers serve. A created
     * topic is committed by the controller before every broker knows it, and a client that uses it at once meets
     * UnknownTopicOrPartition or NOT_LEADER_OR_FOLLOWER (an idempotent producer then retries an out-of-order
     * sequence), so the topics are handed over only once they can be used.
     */
    private static void awaitLeaders(Admin admin, List<String> names)
            throws InterruptedException, TimeoutException {
        if (names.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String waiting = String.join(", ", names);
        long backoffMs = 10;
        while (true) {
            try {
                var described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
                boolean ready = described.values().stream().allMatch(d -> !d.partitions().isEmpty()
                        && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready) {
                    return;
                }
            } catch (ExecutionException e) {
                waiting = String.join(", ", names) + " (" + e.getCause().getMessage() + ")";
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("The new topics have no leader after 30 s: " + waiting);
            }
            Thread.sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, 500);
        }
    }

    private static NewTopic newTopic(String name, int partitions, short replication, boolean compacted,
                                     Map<String, String> configs) {
        NewTopic topic = new NewTopic(name, java.util.Optional.of(partitions),
                replication < 1 ? java.util.Optional.empty() : java.util.Optional.of(replication));
        Map<String, String> all = new java.util.HashMap<>(configs);
        if (compacted) {
            all.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        return all.isEmpty() ? topic : topic.configs(all);
    }
}

package io.flatline.deploy.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;

/**
 * What a replay reads: per input partition, the offset it starts at and the end offset as it stood when the
 * replay began (records that arrive later are the live application's business). A replay starts at the first
 * record each partition still holds: above offset 0, the topic's retention had deleted the ones before.
 */
public record ReplayPlan(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {

    public ReplayPlan {
        start = Map.copyOf(start);
        end = Map.copyOf(end);
    }

    public long total() {
        return end.entrySet().stream().mapToLong(e -> Math.max(0, e.getValue() - start.get(e.getKey()))).sum();
    }

    /** Records read so far, given the replay's committed positions (a partition not yet committed counts 0). */
    public long done(Map<TopicPartition, Long> committed) {
        long done = 0;
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            long from = start.get(e.getKey());
            long at = committed.getOrDefault(e.getKey(), from);
            done += Math.max(0, Math.min(at, e.getValue()) - from);
        }
        return done;
    }

    public boolean caughtUp(Map<TopicPartition, Long> committed) {
        return done(committed) >= total();
    }

    /** The partitions not yet read to their end: where each stands, against its end. */
    public String behind(Map<TopicPartition, Long> committed) {
        List<String> out = new ArrayList<>();
        byName().forEach((name, tp) -> {
            long at = committed.getOrDefault(tp, start.get(tp));
            if (at < end.get(tp)) {
                out.add(name + " at offset " + at + " of " + end.get(tp));
            }
        });
        return String.join(", ", out);
    }

    /**
     * Partitions whose history the topic had cut where the replay starts: the devices in them start from the first
     * record kept, so their results soon after may differ from what the live application computed then.
     */
    public List<String> notes() {
        List<String> out = new ArrayList<>();
        byName().forEach((name, tp) -> {
            if (start.get(tp) > 0 && start.get(tp) < end.get(tp)) {
                out.add(name + ": the topic's retention had deleted offsets 0 to " + (start.get(tp) - 1)
                        + "; the replay starts at the first record it kept");
            }
        });
        return out;
    }

    /**
     * Fails when the topic deleted records (retention, or deleteRecords) that the replay had not read yet:
     * {@code committed} is where the replay stood, {@code earliest} the first offsets the topic holds now. Kafka
     * Streams would otherwise jump to the first kept record and the replay would end without them, looking whole.
     */
    public void refuseIfDeleted(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> earliest) {
        List<String> lost = new ArrayList<>();
        byName().forEach((name, tp) -> {
            long at = committed.getOrDefault(tp, start.get(tp));
            long kept = earliest.getOrDefault(tp, 0L);
            if (at < end.get(tp) && kept > at) {
                lost.add(name + " offsets " + at + " to " + (Math.min(kept, end.get(tp)) - 1));
            }
        });
        if (!lost.isEmpty()) {
            throw new IllegalStateException("the input topics deleted records the replay had not read yet ("
                    + String.join(", ", lost) + "), by their retention (retention.ms, retention.bytes) or a"
                    + " deleteRecords: the replay cannot be complete. Keep the input topics longer than a replay"
                    + " takes");
        }
    }

    /** The partitions by name, in order, so that what a replay says reads the same every time. */
    private Map<String, TopicPartition> byName() {
        Map<String, TopicPartition> out = new TreeMap<>();
        end.keySet().forEach(tp -> out.put(tp.toString(), tp));
        return out;
    }
}

package io.flatline.deploy.replay;

import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * What a replay reads: per input partition, the first offset at or after the start time, and the end offset
 * as it stood when the replay began (records that arrive later are the live application's business).
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
}

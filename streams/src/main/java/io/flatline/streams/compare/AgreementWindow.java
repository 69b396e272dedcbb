package io.flatline.streams.compare;

import java.util.Arrays;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The last comparisons of one board with the reference, kept as raw output pairs in a ring, and the rolling
 * agreement they add up to. Immutable: {@link #add} returns the next window.
 *
 * <p>The agreement (exact matches, top-1 agreements, the largest difference) is kept up to date as pairs come
 * and go, not recounted: the monitor asks for it on every comparison. Only the pairs and the ring's position are
 * stored (as JSON, in the boards store); the counts are recounted once when a window is read back.
 */
public final class AgreementWindow {

    private final int capacity;
    private final int outputs;
    private final byte[] pairs;
    private final int head;
    private final int count;
    private final long total;
    private final int exact;
    private final int top1;
    private final int worst;
    /** How many of the held pairs differ by {@link #worst}: when the last of them leaves, the ring is rescanned. */
    private final int atWorst;

    /**
     * @param capacity comparisons the window holds
     * @param outputs  elements per output
     * @param pairs    board then reference output of each comparison, {@code 2 * outputs} bytes each
     * @param head     the slot the next comparison overwrites
     * @param count    comparisons held
     * @param total    comparisons ever made for this board
     */
    @JsonCreator
    public AgreementWindow(@JsonProperty("capacity") int capacity, @JsonProperty("outputs") int outputs,
                           @JsonProperty("pairs") byte[] pairs, @JsonProperty("head") int head,
                           @JsonProperty("count") int count, @JsonProperty("total") long total) {
        this.capacity = capacity;
        this.outputs = outputs;
        this.pairs = pairs;
        this.head = head;
        this.count = count;
        this.total = total;
        int exactNow = 0;
        int top1Now = 0;
        for (int i = 0; i < count; i++) {
            exactNow += exact(pairs, slot(i), outputs) ? 1 : 0;
            top1Now += top1Agree(pairs, slot(i), outputs) ? 1 : 0;
        }
        this.exact = exactNow;
        this.top1 = top1Now;
        this.worst = largestDiff();
        this.atWorst = countAt(worst);
    }

    private AgreementWindow(AgreementWindow before, byte[] pairs, int head, int count, int exact, int top1, int worst,
                            int atWorst) {
        this.capacity = before.capacity;
        this.outputs = before.outputs;
        this.pairs = pairs;
        this.head = head;
        this.count = count;
        this.total = before.total + 1;
        this.exact = exact;
        this.top1 = top1;
        this.worst = worst;
        this.atWorst = atWorst;
    }

    public static AgreementWindow empty(int capacity, int outputs) {
        return new AgreementWindow(capacity, outputs, new byte[capacity * 2 * outputs], 0, 0, 0);
    }

    public AgreementWindow add(byte[] board, byte[] reference) {
        if (board.length != outputs || reference.length != outputs) {
            return new AgreementWindow(this, pairs, head, count, exact, top1, worst, atWorst);
        }
        int slot = head * 2 * outputs;
        int exactNext = exact;
        int top1Next = top1;
        int worstNext = worst;
        int atWorstNext = atWorst;
        if (count == capacity) {
            // The oldest pair, in the slot the new one takes, leaves the window.
            exactNext -= exact(pairs, slot, outputs) ? 1 : 0;
            top1Next -= top1Agree(pairs, slot, outputs) ? 1 : 0;
            atWorstNext -= diff(pairs, slot, outputs) == worst ? 1 : 0;
        }
        byte[] next = pairs.clone();
        System.arraycopy(board, 0, next, slot, outputs);
        System.arraycopy(reference, 0, next, slot + outputs, outputs);
        exactNext += exact(next, slot, outputs) ? 1 : 0;
        top1Next += top1Agree(next, slot, outputs) ? 1 : 0;
        int entering = diff(next, slot, outputs);
        if (entering > worstNext) {
            worstNext = entering;
            atWorstNext = 1;
        } else if (entering == worstNext) {
            atWorstNext++;
        }
        AgreementWindow added = new AgreementWindow(this, next, (head + 1) % capacity, Math.min(capacity, count + 1),
                exactNext, top1Next, worstNext, atWorstNext);
        if (atWorstNext > 0) {
            return added;
        }
        // The last pair at the largest difference left: find the new largest.
        int largest = added.largestDiff();
        return new AgreementWindow(this, next, added.head, added.count, exactNext, top1Next, largest,
                added.countAt(largest));
    }

    public byte[] board(int i) {
        int slot = slot(i);
        return Arrays.copyOfRange(pairs, slot, slot + outputs);
    }

    public byte[] reference(int i) {
        int slot = slot(i) + outputs;
        return Arrays.copyOfRange(pairs, slot, slot + outputs);
    }

    /** Slot of the i-th comparison, oldest first. */
    private int slot(int i) {
        int oldest = count == capacity ? head : 0;
        return ((oldest + i) % capacity) * 2 * outputs;
    }

    private static boolean exact(byte[] pairs, int slot, int outputs) {
        return Arrays.equals(pairs, slot, slot + outputs, pairs, slot + outputs, slot + 2 * outputs);
    }

    private static boolean top1Agree(byte[] pairs, int slot, int outputs) {
        return outputs > 0
                && OutputComparison.top1(pairs, slot, outputs) == OutputComparison.top1(pairs, slot + outputs, outputs);
    }

    private static int diff(byte[] pairs, int slot, int outputs) {
        return OutputComparison.maxAbsDiffLsb(pairs, slot, pairs, slot + outputs, outputs);
    }

    private int largestDiff() {
        int largest = 0;
        for (int i = 0; i < count; i++) {
            largest = Math.max(largest, diff(pairs, slot(i), outputs));
        }
        return largest;
    }

    private int countAt(int diff) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            n += diff(pairs, slot(i), outputs) == diff ? 1 : 0;
        }
        return n;
    }

    /** Exact-match rate, top-1 agreement and largest difference over the window; null rates when empty. */
    public Summary summary() {
        return count == 0 ? new Summary(total, 0, null, null, null)
                : new Summary(total, count, (double) exact / count, (double) top1 / count, worst);
    }

    public record Summary(long total, int windowed, Double exactMatchRate, Double top1AgreementRate,
                          Integer maxAbsDiffLsb) {
    }

    @JsonProperty
    public int capacity() {
        return capacity;
    }

    @JsonProperty
    public int outputs() {
        return outputs;
    }

    @JsonProperty
    public byte[] pairs() {
        return pairs;
    }

    @JsonProperty
    public int head() {
        return head;
    }

    @JsonProperty
    public int count() {
        return count;
    }

    @JsonProperty
    public long total() {
        return total;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AgreementWindow a && capacity == a.capacity && outputs == a.outputs && head == a.head
                && count == a.count && total == a.total && Arrays.equals(pairs, a.pairs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pairs) * 31 + (int) total;
    }

    @Override
    public String toString() {
        return "AgreementWindow[" + count + "/" + capacity + ", total " + total + "]";
    }
}

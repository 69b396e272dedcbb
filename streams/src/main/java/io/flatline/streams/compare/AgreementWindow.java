package io.flatline.streams.compare;

import java.util.Arrays;

/**
 * The last comparisons of one board with the reference, kept as raw output pairs in a ring, and the rolling
 * agreement they add up to.
 *
 * @param outputs   elements per output
 * @param pairs     board then reference output of each comparison, {@code 2 * outputs} bytes each
 * @param head      the slot the next comparison overwrites
 * @param count     comparisons held
 * @param total     comparisons ever made for this board
 */
public record AgreementWindow(int capacity, int outputs, byte[] pairs, int head, int count, long total) {

    public static AgreementWindow empty(int capacity, int outputs) {
        return new AgreementWindow(capacity, outputs, new byte[capacity * 2 * outputs], 0, 0, 0);
    }

    public AgreementWindow add(byte[] board, byte[] reference) {
        if (board.length != outputs || reference.length != outputs) {
            return new AgreementWindow(capacity, outputs, pairs, head, count, total + 1);
        }
        byte[] next = pairs.clone();
        System.arraycopy(board, 0, next, head * 2 * outputs, outputs);
        System.arraycopy(reference, 0, next, head * 2 * outputs + outputs, outputs);
        return new AgreementWindow(capacity, outputs, next, (head + 1) % capacity, Math.min(capacity, count + 1),
                total + 1);
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

    /** Exact-match rate, top-1 agreement and largest difference over the window; null rates when empty. */
    public Summary summary() {
        int exact = 0;
        int top1 = 0;
        int worst = 0;
        // In place: this runs on every comparison, over the whole window.
        for (int i = 0; i < count; i++) {
            int b = slot(i);
            int r = b + outputs;
            exact += Arrays.equals(pairs, b, r, pairs, r, r + outputs) ? 1 : 0;
            top1 += outputs > 0 && OutputComparison.top1(pairs, b, outputs) == OutputComparison.top1(pairs, r, outputs)
                    ? 1 : 0;
            worst = Math.max(worst, OutputComparison.maxAbsDiffLsb(pairs, b, pairs, r, outputs));
        }
        return count == 0 ? new Summary(total, 0, null, null, null)
                : new Summary(total, count, (double) exact / count, (double) top1 / count, worst);
    }

    public record Summary(long total, int windowed, Double exactMatchRate, Double top1AgreementRate,
                          Integer maxAbsDiffLsb) {
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

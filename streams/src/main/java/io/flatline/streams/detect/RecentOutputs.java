package io.flatline.streams.detect;

import java.util.Arrays;

/**
 * The last {@code size} outputs of one source, for the flatline measure over a sliding window (the QARTOD
 * flat-line test's idea, on int8 outputs): how many of them lie within a tolerance of one value, and how often the
 * input changed among them. A strict run misses a model stuck on one output 95 % of the time with a blip now and
 * then, and a board whose output dithers by 1 LSB around a frozen value; this measure does not.
 *
 * <p>The value they are measured against (the anchor) moves to the newest output only when more outputs of the
 * window lie near that one, so a blip does not move it and a dither settles on its centre. Only an output that
 * repeats (lies near the one before it) is tried as the anchor: a value that fills most of the window repeats, and
 * trying every output cost a twelfth of the stream thread on a healthy fleet (docs/benchmarks.md). Immutable:
 * each {@link #add} returns a new one (a few hundred bytes, like the window it sits beside).
 *
 * @param outputs     the ring of outputs, {@code size * width} bytes, slot {@code count % size} next
 * @param inputMoved  per slot, 1 when that window's input differed from the one before
 * @param count       outputs seen so far
 * @param anchor      the value the share is measured against, null before the first output
 * @param near        how many outputs in the ring lie within tolerance of the anchor
 */
public record RecentOutputs(byte[] outputs, byte[] inputMoved, long count, byte[] anchor, int near) {

    public static RecentOutputs empty(int size, int width) {
        return new RecentOutputs(new byte[size * width], new byte[size], 0, null, 0);
    }

    public int size() {
        return inputMoved.length;
    }

    public boolean full() {
        return count >= size();
    }

    /** The share of the window within tolerance of the anchor; 0 until the window is full. */
    public double nearShare() {
        return full() ? (double) near / size() : 0;
    }

    /** How many times the input changed within the window, plus one. */
    public int distinctInputs() {
        int moved = 0;
        for (byte b : inputMoved) {
            moved += b;
        }
        return moved + 1;
    }

    public byte[] anchor() {
        return anchor == null ? null : anchor.clone();
    }

    /** The window after one more output; {@code inputMoved}: whether its input differs from the previous one's. */
    public RecentOutputs add(byte[] out, boolean inputMoved, int toleranceLsb) {
        int size = size();
        int width = out.length;
        if (width * size != outputs.length) {
            // A model with another number of outputs: start afresh.
            return empty(size, width).add(out, inputMoved, toleranceLsb);
        }
        int slot = (int) (count % size);
        byte[] ring = outputs.clone();
        byte[] moved = this.inputMoved.clone();
        boolean leaving = count >= size && anchor != null && near(ring, slot, anchor, toleranceLsb);
        System.arraycopy(out, 0, ring, slot * width, width);
        moved[slot] = (byte) (inputMoved && count > 0 ? 1 : 0);
        int filled = (int) Math.min(count + 1, size);

        byte[] a = anchor == null ? out.clone() : anchor;
        int n = anchor == null ? 1 : near - (leaving ? 1 : 0) + (near(ring, slot, a, toleranceLsb) ? 1 : 0);
        int previous = (slot + size - 1) % size;
        if (n < filled && count > 0 && near(ring, previous, out, toleranceLsb)) {
            int newest = countNear(ring, filled, width, out, toleranceLsb, n);
            if (newest > n) {
                a = out.clone();
                n = newest;
            }
        }
        return new RecentOutputs(ring, moved, count + 1, a, n);
    }

    private static boolean near(byte[] ring, int slot, byte[] value, int tolerance) {
        int width = value.length;
        for (int i = 0; i < width; i++) {
            if (Math.abs(ring[slot * width + i] - value[i]) > tolerance) {
                return false;
            }
        }
        return true;
    }

    /** How many of the first {@code filled} slots lie near {@code value}; stops once it cannot exceed {@code beat}. */
    private static int countNear(byte[] ring, int filled, int width, byte[] value, int tolerance, int beat) {
        int n = 0;
        for (int slot = 0; slot < filled && n + filled - slot > beat; slot++) {
            n += near(ring, slot, value, tolerance) ? 1 : 0;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecentOutputs r && count == r.count && near == r.near && Arrays.equals(outputs, r.outputs)
                && Arrays.equals(inputMoved, r.inputMoved) && Arrays.equals(anchor, r.anchor);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + near;
    }

    @Override
    public String toString() {
        return "RecentOutputs[" + count + " seen, " + near + " near " + Arrays.toString(anchor) + "]";
    }
}

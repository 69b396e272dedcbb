package io.flatline.streams.quantize;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The model output tensor's int8 values as real numbers, {@code (q - zeroPoint) * scale}. An int8 tensor has
 * only 256 values to give, so all of them are boxed once: a prediction's probabilities are then a view over its
 * {@code netOut} that allocates nothing per element, on a path taken once per reading.
 */
public final class OutputDequantizer {

    private final Float[] byLevel = new Float[256];

    public OutputDequantizer(float scale, int zeroPoint) {
        for (int q = Byte.MIN_VALUE; q <= Byte.MAX_VALUE; q++) {
            byLevel[q & 0xFF] = (q - zeroPoint) * scale;
        }
    }

    /** An unmodifiable view of {@code netOut} dequantized: the caller must not change the array afterwards. */
    public List<Float> view(byte[] netOut) {
        return new View(netOut);
    }

    private final class View extends AbstractList<Float> implements RandomAccess {
        private final byte[] netOut;

        View(byte[] netOut) {
            this.netOut = netOut;
        }

        @Override
        public Float get(int index) {
            return byLevel[netOut[index] & 0xFF];
        }

        @Override
        public int size() {
            return netOut.length;
        }
    }
}

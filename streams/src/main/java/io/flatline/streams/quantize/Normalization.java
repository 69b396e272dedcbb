package io.flatline.streams.quantize;

import java.util.Arrays;
import java.util.List;

/**
 * The per-channel normalisation the boards apply to raw sensor values before quantizing, computed in float32
 * as the boards' C code does.
 */
public sealed interface Normalization {

    float apply(int channel, float value);

    /** How many channels it is configured for; 0 when it applies to any number. */
    int channels();

    /** {@code (x - mean) / std}. */
    record ZScore(float[] mean, float[] std) implements Normalization {
        public ZScore {
            mean = mean.clone();
            std = std.clone();
        }

        /** Equal when they normalise alike: the same numbers, not the same arrays. */
        @Override
        public boolean equals(Object o) {
            return o instanceof ZScore other && Arrays.equals(mean, other.mean) && Arrays.equals(std, other.std);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
        }

        public static ZScore of(List<Double> mean, List<Double> std) {
            return new ZScore(floats(mean), floats(std));
        }

        @Override
        public float apply(int channel, float value) {
            return (value - mean[channel]) / std[channel];
        }

        @Override
        public int channels() {
            return mean.length;
        }
    }

    /** {@code (x - min) / (max - min)}, so the configured range maps to [0, 1]. */
    record MinMax(float[] min, float[] max) implements Normalization {
        public MinMax {
            min = min.clone();
            max = max.clone();
        }

        /** Equal when they normalise alike: the same numbers, not the same arrays. */
        @Override
        public boolean equals(Object o) {
            return o instanceof MinMax other && Arrays.equals(min, other.min) && Arrays.equals(max, other.max);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(min) + Arrays.hashCode(max);
        }

        public static MinMax of(List<Double> min, List<Double> max) {
            return new MinMax(floats(min), floats(max));
        }

        @Override
        public float apply(int channel, float value) {
            return (value - min[channel]) / (max[channel] - min[channel]);
        }

        @Override
        public int channels() {
            return min.length;
        }
    }

    /** The raw values go to the quantizer unchanged. */
    record None() implements Normalization {
        @Override
        public float apply(int channel, float value) {
            return value;
        }

        @Override
        public int channels() {
            return 0;
        }
    }

    private static float[] floats(List<Double> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }
}

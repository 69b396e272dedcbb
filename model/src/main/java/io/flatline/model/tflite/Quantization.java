package io.flatline.model.tflite;

import java.util.Arrays;

/**
 * Affine quantization of a tensor: {@code real = scale * (q - zeroPoint)}, one pair per tensor or
 * one per slice along {@code dimension} (per-channel weights).
 */
public record Quantization(float[] scales, long[] zeroPoints, int dimension) {
    public static final Quantization NONE = new Quantization(new float[0], new long[0], 0);

    public Quantization {
        scales = scales.clone();
        zeroPoints = zeroPoints.clone();
    }

    public static Quantization perTensor(float scale, long zeroPoint) {
        return new Quantization(new float[] {scale}, new long[] {zeroPoint}, 0);
    }

    public boolean isPresent() {
        return scales.length > 0;
    }

    public boolean isPerChannel() {
        return scales.length > 1;
    }

    public float scale(int i) {
        return scales[i];
    }

    public int zeroPoint(int i) {
        return zeroPoints.length == 0 ? 0 : (int) zeroPoints[Math.min(i, zeroPoints.length - 1)];
    }

    @Override
    public float[] scales() {
        return scales.clone();
    }

    @Override
    public long[] zeroPoints() {
        return zeroPoints.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantization q
                && Arrays.equals(scales, q.scales)
                && Arrays.equals(zeroPoints, q.zeroPoints)
                && dimension == q.dimension;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(scales) + Arrays.hashCode(zeroPoints)) + dimension;
    }

    @Override
    public String toString() {
        if (!isPresent()) {
            return "none";
        }
        if (!isPerChannel()) {
            return "scale " + scales[0] + " zero point " + zeroPoint(0);
        }
        return scales.length + " channels on axis " + dimension + ", scales " + Arrays.toString(scales)
                + ", zero points " + Arrays.toString(zeroPoints);
    }
}

package io.flatline.model.arith;

/** Turns an int32 accumulator of output channel {@code c} into a clamped int8 level. */
public sealed interface Requantizer {

  int apply(int acc, int c);

  /** XNNPACK's fp32 requantization: float(acc) * scale, round to nearest even, add zero point. */
  record FloatMultiplier(float[] scales, int zeroPoint, int min, int max) implements Requantizer {
    @Override
    public int apply(int acc, int c) {
      int q = (int) Math.rint((float) acc * scales[c]) + zeroPoint;
      return q < min ? min : Math.min(q, max);
    }
  }

  /** The reference kernels' fixed-point multiplier with gemmlowp's double rounding. */
  record FixedPointMultiplier(int[] multipliers, int[] shifts, int zeroPoint, int min, int max)
      implements Requantizer {
    @Override
    public int apply(int acc, int c) {
      int q = FixedPoint.multiplyByQuantizedMultiplier(acc, multipliers[c], shifts[c]) + zeroPoint;
      return q < min ? min : Math.min(q, max);
    }
  }
}

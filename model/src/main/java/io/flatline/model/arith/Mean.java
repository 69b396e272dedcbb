package io.flatline.model.arith;

/**
 * Int8 MEAN: turns the sum of {@code count} raw int8 levels into the output level. Taking the sum of
 * raw levels lets a sliding window keep a running sum and reuse it.
 */
public sealed interface Mean {

    int apply(int sumOfLevels);

    static Mean of(Arithmetic arithmetic, float inputScale, int inputZeroPoint, float outputScale,
            int outputZeroPoint, int count) {
        return arithmetic == Arithmetic.LITERT
                ? FloatMean.of(inputScale, inputZeroPoint, outputScale, outputZeroPoint, count)
                : IntegerMean.of(inputScale, inputZeroPoint, outputScale, outputZeroPoint, count);
    }

    /**
     * XNNPACK's qs8 mean: the int32 sum converted with one float multiply-add whose scale is
     * (in/out)*(1/count) and whose offset folds the input zero point, rounded to nearest even.
     */
    record FloatMean(float scale, float offset) implements Mean {
        static FloatMean of(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint, int count) {
            float scale = inputScale / outputScale * (1.0f / count);
            float offset = (float) outputZeroPoint - ((float) count * (float) inputZeroPoint) * scale;
            return new FloatMean(scale, offset);
        }

        @Override
        public int apply(int sum) {
            float y = (float) sum * scale + offset;
            // Clamping the rounded value as an int is the same as clamping it as a double (NaN -> 0).
            int q = (int) Math.rint(y);
            return q < Byte.MIN_VALUE ? Byte.MIN_VALUE : Math.min(q, Byte.MAX_VALUE);
        }
    }

    /**
     * TFLite Micro's integer mean: the multiplier of in/out scale absorbs 1/count through an integer
     * division after shifting it left by floor(log2(count)), then one MultiplyByQuantizedMultiplier.
     */
    record IntegerMean(int multiplier, int shift, int zeroPointTimesCount, int outputZeroPoint) implements Mean {
        static IntegerMean of(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint, int count) {
            FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier((double) inputScale / (double) outputScale);
            int shift = 63 - Long.numberOfLeadingZeros(count);
            shift = Math.min(shift, 32);
            shift = Math.min(shift, 31 + m.shift());
            int multiplier = (int) (((long) m.multiplier() << shift) / count);
            return new IntegerMean(multiplier, m.shift() - shift, inputZeroPoint * count, outputZeroPoint);
        }

        @Override
        public int apply(int sum) {
            int q = FixedPoint.multiplyByQuantizedMultiplier(sum - zeroPointTimesCount, multiplier, shift)
                    + outputZeroPoint;
            return Math.max(Byte.MIN_VALUE, Math.min(Byte.MAX_VALUE, q));
        }
    }
}

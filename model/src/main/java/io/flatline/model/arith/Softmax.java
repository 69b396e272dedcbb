package io.flatline.model.arith;

/** Int8 softmax over the last axis of {@code depth} values, in one of the two arithmetics. */
public sealed interface Softmax {

    void apply(byte[] in, int inOff, byte[] out, int outOff, int depth);

    static Softmax of(Arithmetic arithmetic, float inputScale, float beta, int outputZeroPoint, float outputScale) {
        return arithmetic == Arithmetic.LITERT
                ? new FloatTable(inputScale, beta, outputZeroPoint, outputScale)
                : new FixedPointExp(inputScale, beta);
    }

    /**
     * TFLite's optimized int8 softmax on x86 and WebAssembly: exp(-scale*beta*d) for each of the 256
     * possible distances d to the row maximum comes from a float table; the row is normalised in
     * float and each probability rounded half away from zero.
     */
    final class FloatTable implements Softmax {
        private final float[] table = new float[256];
        private final int zeroPoint;
        private final float outputScale;

        FloatTable(float inputScale, float beta, int zeroPoint, float outputScale) {
            float scale = -inputScale * beta;
            for (int d = 0; d < 256; d++) {
                // expf is correctly rounded to within an ulp; the double exp rounded once to float agrees.
                table[d] = (float) StrictMath.exp(scale * d);
            }
            this.zeroPoint = zeroPoint;
            this.outputScale = outputScale;
        }

        @Override
        public void apply(byte[] in, int inOff, byte[] out, int outOff, int depth) {
            int max = Byte.MIN_VALUE;
            for (int j = 0; j < depth; j++) {
                max = Math.max(max, in[inOff + j]);
            }
            float sum = 0f;
            for (int j = 0; j < depth; j++) {
                sum += table[max - in[inOff + j]];
            }
            float inv = 1.0f / (sum * outputScale);
            for (int j = 0; j < depth; j++) {
                int q = FixedPoint.roundHalfAway(table[max - in[inOff + j]] * inv) + zeroPoint;
                out[outOff + j] = (byte) Math.max(Byte.MIN_VALUE, Math.min(Byte.MAX_VALUE, q));
            }
        }
    }

    /**
     * The reference int8 softmax of TFLite Micro: input differences scaled into Q5.26, exp by
     * gemmlowp's fixed-point polynomial and barrel shifter, the sum in Q12.19, its reciprocal by
     * Newton-Raphson, and the output by a rounding shift.
     */
    final class FixedPointExp implements Softmax {
        private static final int SCALED_DIFF_INTEGER_BITS = 5;
        private static final int ACCUMULATION_INTEGER_BITS = 12;
        private final int inputMultiplier;
        private final int inputLeftShift;
        private final int diffMin;
        /**
         * exp of every difference an int8 row can have, d = max - x in [0, 255], as {@link #expOfDiff}
         * computes it (unused past -diffMin): the same integers, looked up.
         */
        private final int[] expTable = new int[256];
        /** {@link #expTable} in the sum's Q12.19, as the reference adds it. */
        private final int[] accumulationTable = new int[256];

        FixedPointExp(float inputScale, float beta) {
            double real = Math.min((double) beta * (double) inputScale * (1 << (31 - SCALED_DIFF_INTEGER_BITS)),
                    (double) ((1L << 31) - 1));
            FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier(real);
            inputMultiplier = m.multiplier();
            inputLeftShift = m.shift();
            double maxInputRescaled = 1.0 * ((1 << SCALED_DIFF_INTEGER_BITS) - 1)
                    * (1L << (31 - SCALED_DIFF_INTEGER_BITS)) / (1L << inputLeftShift);
            diffMin = -(int) Math.floor(maxInputRescaled);
            for (int d = 0; d < 256 && -d >= diffMin; d++) {
                expTable[d] = expOfDiff(-d);
                accumulationTable[d] = FixedPoint.saturatingRoundingMultiplyByPot(expTable[d],
                        -ACCUMULATION_INTEGER_BITS);
            }
        }

        private int expOfDiff(int diff) {
            int rescaled = FixedPoint.saturatingRoundingDoublingHighMul(diff * (1 << inputLeftShift), inputMultiplier);
            return FixedPoint.expOnNegativeValues(rescaled, SCALED_DIFF_INTEGER_BITS);
        }

        @Override
        public void apply(byte[] in, int inOff, byte[] out, int outOff, int depth) {
            int max = Byte.MIN_VALUE;
            for (int j = 0; j < depth; j++) {
                max = Math.max(max, in[inOff + j]);
            }
            int sumOfExps = 0;
            for (int j = 0; j < depth; j++) {
                int diff = in[inOff + j] - max;
                if (diff >= diffMin) {
                    sumOfExps += accumulationTable[-diff];
                }
            }
            int headroomPlusOne = FixedPoint.countLeadingZeros(sumOfExps);
            int numBitsOverUnit = ACCUMULATION_INTEGER_BITS - headroomPlusOne;
            int shiftedSumMinusOne = (sumOfExps << headroomPlusOne) - (1 << 31);
            int shiftedScale = FixedPoint.oneOverOnePlusXForXIn01(shiftedSumMinusOne);
            int exponent = numBitsOverUnit + 31 - 8;
            for (int j = 0; j < depth; j++) {
                int diff = in[inOff + j] - max;
                int q = Byte.MIN_VALUE;
                if (diff >= diffMin) {
                    int unsat = FixedPoint.roundingDivideByPot(
                            FixedPoint.saturatingRoundingDoublingHighMul(shiftedScale, expTable[-diff]), exponent);
                    q = Math.max(Byte.MIN_VALUE, Math.min(Byte.MAX_VALUE, unsat + Byte.MIN_VALUE));
                }
                out[outOff + j] = (byte) q;
            }
        }
    }
}

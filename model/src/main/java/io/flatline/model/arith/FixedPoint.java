package io.flatline.model.arith;

/**
 * gemmlowp-style fixed-point arithmetic as TFLite Micro's reference kernels use it: the doubling
 * high multiply, the rounding right shift, the multiplier decomposition and the Q-format exp and
 * reciprocal of the int8 softmax. Every function is pure and matches the reference bit for bit,
 * including its saturation and the order of its roundings.
 */
public final class FixedPoint {
    private FixedPoint() {}

    /** A real multiplier as {@code multiplier * 2^(shift - 31)} with the multiplier in [2^30, 2^31). */
    public record Multiplier(int multiplier, int shift) {}

    /**
     * QuantizeMultiplier: frexp, then round the significand to 31 bits half away from zero. A
     * significand that rounds up to 2^31 is halved; multipliers too small to represent become zero.
     */
    public static Multiplier quantizeMultiplier(double real) {
        if (real == 0.0) {
            return new Multiplier(0, 0);
        }
        int exp = Math.getExponent(real) + 1;
        double significand = real / Math.scalb(1.0, exp);
        if (Math.abs(significand) < 0.5) { // subnormal input: normalise like frexp does
            int extra = Math.getExponent(significand) + 1;
            significand = significand / Math.scalb(1.0, extra);
            exp += extra;
        }
        long q = roundHalfAway(significand * (1L << 31));
        if (q == 1L << 31) {
            q /= 2;
            exp++;
        }
        if (exp < -31) {
            return new Multiplier(0, 0);
        }
        return new Multiplier((int) q, exp);
    }

    /** std::round on a double: halves go away from zero. */
    public static long roundHalfAway(double x) {
        double a = Math.abs(x);
        double r = Math.floor(a);
        // a - floor(a) is exact, unlike floor(a + 0.5), which rounds 0.5 - 2^-54 up to 1.
        if (a - r >= 0.5) {
            r += 1;
        }
        return (long) Math.copySign(r, x);
    }

    /**
     * roundf: halves go away from zero. For a float, |x| + 0.5 in double is exact (a float's 24
     * significant bits and the 0.5 fit in 53, and from 2^24 on floats are even integers, where adding
     * 0.5 rounds back to |x|), so floor(|x| + 0.5) is {@link #roundHalfAway(double)}'s result without
     * its data-dependent branch.
     */
    public static int roundHalfAway(float x) {
        return (int) (long) Math.copySign(Math.floor(Math.abs((double) x) + 0.5), x);
    }

    /** ARM VQRDMULH: (a*b*2 + 2^31) >> 32 with round-half-away and the one overflow case saturated. */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == b && a == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long ab = (long) a * b;
        long nudge = ab >= 0 ? 1L << 30 : 1 - (1L << 30);
        // C++ division truncates toward zero, as Java's does.
        return (int) ((ab + nudge) / (1L << 31));
    }

    /** Arithmetic right shift rounding to nearest, halves away from zero. */
    public static int roundingDivideByPot(int x, int exponent) {
        int mask = (int) ((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /** The double-rounding MultiplyByQuantizedMultiplier of TFLite (Micro) reference kernels. */
    public static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
        int left = shift > 0 ? shift : 0;
        int right = shift > 0 ? 0 : -shift;
        return roundingDivideByPot(saturatingRoundingDoublingHighMul(x * (1 << left), multiplier), right);
    }

    /** Multiply by 2^exponent: saturating left shift, or rounding right shift. */
    public static int saturatingRoundingMultiplyByPot(int x, int exponent) {
        if (exponent == 0) {
            return x;
        }
        if (exponent < 0) {
            return roundingDivideByPot(x, -exponent);
        }
        int threshold = (1 << (31 - exponent)) - 1;
        if (x > threshold) {
            return Integer.MAX_VALUE;
        }
        if (x < -threshold) {
            return Integer.MIN_VALUE;
        }
        return x << exponent;
    }

    private static final int ONE_Q0 = Integer.MAX_VALUE;

    /** exp(a) for a in [-1/4, 0), a and result in Q0.31: a Taylor expansion around -1/8. */
    static int expOnIntervalBetweenNegativeOneQuarterAnd0Excl(int a) {
        final int constantTerm = 1895147668; // exp(-1/8)
        final int oneThird = 715827883;
        int x = a + (1 << 28);
        int x2 = saturatingRoundingDoublingHighMul(x, x);
        int x3 = saturatingRoundingDoublingHighMul(x2, x);
        int x4 = saturatingRoundingDoublingHighMul(x2, x2);
        int x4Over4 = saturatingRoundingMultiplyByPot(x4, -2);
        int poly = saturatingRoundingMultiplyByPot(
                saturatingRoundingDoublingHighMul(x4Over4 + x3, oneThird) + x2, -1);
        return constantTerm + saturatingRoundingDoublingHighMul(constantTerm, x + poly);
    }

    private static final int[] EXP_BARREL = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};

    /**
     * exp(a) for a &le; 0, a in Q(integerBits).(31-integerBits), result in Q0.31: the fractional part
     * by polynomial, then one multiplication per set bit of the integer part.
     */
    public static int expOnNegativeValues(int a, int integerBits) {
        int fractionalBits = 31 - integerBits;
        int oneQuarter = 1 << (fractionalBits - 2);
        int mask = oneQuarter - 1;
        int aModQuarterMinusOneQuarter = (a & mask) - oneQuarter;
        int result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
                saturatingRoundingMultiplyByPot(aModQuarterMinusOneQuarter, integerBits));
        int remainder = aModQuarterMinusOneQuarter - a;
        for (int i = 0; i < EXP_BARREL.length; i++) {
            int exponent = i - 2;
            if (integerBits > exponent) {
                int shiftAmount = fractionalBits + exponent;
                if ((remainder & (1 << shiftAmount)) != 0) {
                    result = saturatingRoundingDoublingHighMul(result, EXP_BARREL[i]);
                }
            }
        }
        if (integerBits > 5) {
            int clamp = -(1 << (36 - integerBits));
            if (a < clamp) {
                result = 0;
            }
        }
        return a == 0 ? ONE_Q0 : result;
    }

    /** (a+b)/2 rounded half away from zero, as gemmlowp's RoundingHalfSum. */
    static int roundingHalfSum(int a, int b) {
        long sum = (long) a + b;
        long sign = sum >= 0 ? 1 : -1;
        return (int) ((sum + sign) / 2);
    }

    /** 1/(1+a) for a in [0,1), both Q0.31. */
    public static int oneOverOnePlusXForXIn01(int a) {
        // ExactMulByPot<-1> turns Q2 into Q1 without touching the raw value; Rescale<0> then shifts by one.
        return saturatingRoundingMultiplyByPot(reciprocalOfHalfDenominator(a), 1);
    }

    /** (1−a)/(1+a) for a in [0,1), both Q0.31: 1/((1+a)/2) − 1 in Q2.29, rescaled to Q0.31. */
    static int oneMinusXOverOnePlusXForXIn01(int a) {
        return saturatingRoundingMultiplyByPot(reciprocalOfHalfDenominator(a) - (1 << 29), 2);
    }

    /** 1/((1+a)/2) in Q2.29 for a in [0,1) in Q0.31: three Newton-Raphson steps from 48/17 − 32/17·d. */
    private static int reciprocalOfHalfDenominator(int a) {
        int halfDenominator = roundingHalfSum(a, ONE_Q0);
        final int c48Over17 = 1515870810;
        final int cNeg32Over17 = -1010580540;
        final int oneQ2 = 1 << 29;
        int x = c48Over17 + saturatingRoundingDoublingHighMul(halfDenominator, cNeg32Over17);
        for (int i = 0; i < 3; i++) {
            int halfDenominatorTimesX = saturatingRoundingDoublingHighMul(halfDenominator, x);
            int oneMinus = oneQ2 - halfDenominatorTimesX;
            x = x + saturatingRoundingMultiplyByPot(saturatingRoundingDoublingHighMul(x, oneMinus), 2);
        }
        return x;
    }

    /**
     * gemmlowp's logistic of a Q4.27 value, in Q0.31: 1/(1+exp(−|a|)) from the exp and reciprocal
     * above, mirrored as One − that for negative a (One is 2^31 − 1 in Q0.31, so the mirror is not
     * exact), and exactly 1/2 at 0.
     */
    public static int logisticQ4(int a) {
        if (a == 0) {
            return 1 << 30;
        }
        int positive = oneOverOnePlusXForXIn01(expOnNegativeValues(a > 0 ? -a : a, 4));
        return a > 0 ? positive : ONE_Q0 - positive;
    }

    /**
     * gemmlowp's tanh of a Q4.27 value, in Q0.31: (1 − e)/(1 + e) with e = exp(−2|a|) (the doubling is
     * a change of format, Q4 to Q5, not of the raw value), negated for negative a, and 0 at 0.
     */
    public static int tanhQ4(int a) {
        if (a == 0) {
            return 0;
        }
        int t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(a < 0 ? a : -a, 5));
        return a < 0 ? -t : t;
    }

    /** Count of leading zero bits, as an unsigned 32-bit value. */
    public static int countLeadingZeros(int x) {
        return Integer.numberOfLeadingZeros(x);
    }
}

package io.flatline.model.arith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Hand-computed cases of the gemmlowp primitives, chosen where a different rounding would show. */
class FixedPointTest {

    @Test
    void quantizeMultiplierSplitsIntoSignificandAndShift() {
        assertThat(FixedPoint.quantizeMultiplier(0.5)).isEqualTo(new FixedPoint.Multiplier(1 << 30, 0));
        assertThat(FixedPoint.quantizeMultiplier(1.0)).isEqualTo(new FixedPoint.Multiplier(1 << 30, 1));
        assertThat(FixedPoint.quantizeMultiplier(0.75)).isEqualTo(new FixedPoint.Multiplier(1610612736, 0));
        assertThat(FixedPoint.quantizeMultiplier(0.0)).isEqualTo(new FixedPoint.Multiplier(0, 0));
        // 1 - 2^-40 rounds up to 2^31 and is renormalised.
        assertThat(FixedPoint.quantizeMultiplier(1 - Math.scalb(1.0, -40)))
                .isEqualTo(new FixedPoint.Multiplier(1 << 30, 1));
    }

    @Test
    void doubleRoundingDiffersFromSingleRounding() {
        // 5 * 0.5 = 2.5 rounds to 3 in the high multiply, then 3 / 2 = 1.5 rounds to 2;
        // one rounding of 5 * 0.25 = 1.25 would give 1.
        assertThat(FixedPoint.multiplyByQuantizedMultiplier(5, 1 << 30, -1)).isEqualTo(2);
        // Negative ties: the high multiply's nudge rounds -2.5 toward zero, to -2; -2 / 2 is then -1.
        assertThat(FixedPoint.multiplyByQuantizedMultiplier(-5, 1 << 30, -1)).isEqualTo(-1);
        assertThat(FixedPoint.multiplyByQuantizedMultiplier(3, 1 << 30, 2)).isEqualTo(6);
    }

    @Test
    void roundingShiftTakesHalvesAwayFromZero() {
        assertThat(FixedPoint.roundingDivideByPot(5, 1)).isEqualTo(3);
        assertThat(FixedPoint.roundingDivideByPot(-5, 1)).isEqualTo(-3);
        assertThat(FixedPoint.roundingDivideByPot(-4, 1)).isEqualTo(-2);
        assertThat(FixedPoint.roundingDivideByPot(-6, 2)).isEqualTo(-2);
        assertThat(FixedPoint.roundingDivideByPot(7, 0)).isEqualTo(7);
    }

    @Test
    void highMultiplySaturatesItsOnlyOverflow() {
        assertThat(FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE))
                .isEqualTo(Integer.MAX_VALUE);
        assertThat(FixedPoint.saturatingRoundingDoublingHighMul(1 << 30, 1 << 30)).isEqualTo(1 << 29);
    }

    @Test
    void expAndReciprocalAreCloseToTheRealFunctions() {
        assertThat(FixedPoint.expOnNegativeValues(0, 5)).isEqualTo(Integer.MAX_VALUE);
        double q31 = Math.scalb(1.0, 31);
        for (double x : new double[] {-0.1, -0.25, -1, -2.5, -7.75, -20}) {
            int raw = (int) Math.round(x * Math.scalb(1.0, 26));
            assertThat(FixedPoint.expOnNegativeValues(raw, 5) / q31).isCloseTo(Math.exp(x), within(2e-6));
        }
        assertThat(FixedPoint.oneOverOnePlusXForXIn01(1 << 30) / q31).isCloseTo(2.0 / 3, within(1e-8));
        assertThat(FixedPoint.oneOverOnePlusXForXIn01(0) / q31).isCloseTo(1.0, within(1e-8));
    }

    @Test
    void roundHalfAwayFromZero() {
        assertThat(FixedPoint.roundHalfAway(2.5)).isEqualTo(3L);
        assertThat(FixedPoint.roundHalfAway(-2.5)).isEqualTo(-3L);
        assertThat(FixedPoint.roundHalfAway(0.49999999999999994)).isEqualTo(0L);
        assertThat(FixedPoint.roundHalfAway(2.5f)).isEqualTo(3);
    }

    /** The float version's branch-free formula against the double version, as it was computed before. */
    @Test
    void roundHalfAwayOfFloatIsTheDoubleRounding() {
        float[] special = {0.5f, -0.5f, 0.49999997f, -0.49999997f, 1.5f, 8388607.5f, 16777215f, 1e10f, -1e10f,
            Float.MAX_VALUE, Float.MIN_VALUE, 0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (float x : special) {
            assertThat(FixedPoint.roundHalfAway(x)).as("%s", x).isEqualTo((int) FixedPoint.roundHalfAway((double) x));
        }
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 2_000_000; i++) {
            float x = i % 2 == 0 ? Float.intBitsToFloat(random.nextInt()) : (random.nextInt(1 << 20) - (1 << 19)) / 4f;
            assertThat(FixedPoint.roundHalfAway(x)).isEqualTo((int) FixedPoint.roundHalfAway((double) x));
        }
    }

    @Test
    void fixedPointLogisticAndTanhFollowTheRealFunctions() {
        // gemmlowp's exp is a 4th-order Taylor expansion on quarter intervals, good to ~2.5e-7; an error in
        // the port (a wrong constant, format or mirror) shows as far more. Over Q4.27's whole range, every
        // 2^13th raw value.
        for (long raw = -(15L << 27); raw <= 15L << 27; raw += 1 << 13) {
            double x = raw / 0x1p27;
            double logistic = FixedPoint.logisticQ4((int) raw) / 0x1p31;
            double tanh = FixedPoint.tanhQ4((int) raw) / 0x1p31;
            assertThat(Math.abs(logistic - 1 / (1 + Math.exp(-x)))).as("logistic(%s)", x).isLessThan(1e-6);
            assertThat(Math.abs(tanh - Math.tanh(x))).as("tanh(%s)", x).isLessThan(1e-6);
        }
        assertThat(FixedPoint.logisticQ4(0)).isEqualTo(1 << 30);
        assertThat(FixedPoint.tanhQ4(0)).isZero();
    }
}

package io.flatline.model.arith;

import static org.assertj.core.api.Assertions.assertThat;

import io.flatline.model.tflite.Options.Activation;
import org.junit.jupiter.api.Test;

/** Where the two arithmetics part ways by one LSB: ties. Each case is worked out by hand. */
class ArithmeticTest {

    @Test
    void requantizationTiesGoToEvenInLiteRtAndAwayFromZeroInTflm() {
        // input 1 * filter 0.5 / output 1 = 0.5: accumulator 5 is 2.5 and 7 is 3.5.
        Requantizer litert = Arithmetic.LITERT.requantizer(1f, new float[] {0.5f}, 1f, 0, -128, 127, false);
        Requantizer tflm = Arithmetic.TFLM.requantizer(1f, new float[] {0.5f}, 1f, 0, -128, 127, false);
        assertThat(litert.apply(5, 0)).isEqualTo(2);
        assertThat(tflm.apply(5, 0)).isEqualTo(3);
        assertThat(litert.apply(7, 0)).isEqualTo(4);
        assertThat(tflm.apply(7, 0)).isEqualTo(4);
        // -2.5: to even in LiteRT; toward zero in gemmlowp's high multiply (its nudge is 1 - 2^30).
        assertThat(litert.apply(-5, 0)).isEqualTo(-2);
        assertThat(tflm.apply(-5, 0)).isEqualTo(-2);
        // 0.25 * 10 = 2.5 goes through a rounding shift in the reference: half away from zero.
        Requantizer quarter = Arithmetic.TFLM.requantizer(1f, new float[] {0.25f}, 1f, 0, -128, 127, false);
        assertThat(quarter.apply(10, 0)).isEqualTo(3);
        assertThat(quarter.apply(-10, 0)).isEqualTo(-3);
        assertThat(Arithmetic.LITERT.requantizer(1f, new float[] {0.25f}, 1f, 0, -128, 127, false).apply(-10, 0))
                .isEqualTo(-2);
    }

    @Test
    void requantizationAddsTheZeroPointAndClamps() {
        Requantizer r = Arithmetic.LITERT.requantizer(0.5f, new float[] {0.25f, 1f}, 0.125f, -10, -10, 100, false);
        assertThat(r.apply(3, 0)).isEqualTo(-7); // 3 * 1.0 - 10
        assertThat(r.apply(3, 1)).isEqualTo(2); // 3 * 4.0 - 10
        assertThat(r.apply(-50, 1)).isEqualTo(-10); // the ReLU floor
        assertThat(r.apply(1000, 0)).isEqualTo(100);
    }

    @Test
    void meanDividesByCountWithEachRuntimesRounding() {
        // The sum of two levels is 5 with equal scales and zero points 0: the mean is 2.5.
        assertThat(Mean.of(Arithmetic.LITERT, 1f, 0, 1f, 0, 2).apply(5)).isEqualTo(2);
        assertThat(Mean.of(Arithmetic.TFLM, 1f, 0, 1f, 0, 2).apply(5)).isEqualTo(3);
        // Zero points: levels {-128+4, -128+6} with input zp -128, output zp -100: mean 5 → -95.
        assertThat(Mean.of(Arithmetic.LITERT, 1f, -128, 1f, -100, 2).apply(-124 + -122)).isEqualTo(-95);
        assertThat(Mean.of(Arithmetic.TFLM, 1f, -128, 1f, -100, 2).apply(-124 + -122)).isEqualTo(-95);
    }

    @Test
    void softmaxOfEqualLogitsIsHalfAndHalf() {
        byte[] out = new byte[2];
        for (Arithmetic a : Arithmetic.values()) {
            Softmax.of(a, 0.1f, 1f, -128, 1f / 256).apply(new byte[] {7, 7}, 0, out, 0, 2);
            assertThat(out).as(a.name()).containsExactly(0, 0); // 0.5 * 256 - 128
        }
    }

    @Test
    void softmaxPutsAFarLowerLogitAtTheBottom() {
        byte[] out = new byte[3];
        for (Arithmetic a : Arithmetic.values()) {
            Softmax.of(a, 0.5f, 1f, -128, 1f / 256).apply(new byte[] {100, -100, 100}, 0, out, 0, 3);
            assertThat(out).as(a.name()).containsExactly(0, -128, 0);
        }
    }

    @Test
    void activationRangesQuantizeTheirBounds() {
        // RELU6 with scale 0.04 and zero point -128: 6 / 0.04 = 150, so the top is 22.
        assertThat(Arithmetic.LITERT.activationRange(Activation.RELU6, 0.04f, -128, -128, 127))
                .containsExactly(-128, 22);
        assertThat(Arithmetic.TFLM.activationRange(Activation.RELU6, 0.04f, -128, -128, 127)).containsExactly(-128, 22);
        assertThat(Arithmetic.TFLM.activationRange(Activation.RELU, 0.1f, 5, -128, 127)).containsExactly(5, 127);
        assertThat(Arithmetic.LITERT.activationRange(Activation.NONE, 0.1f, 5, -128, 127)).containsExactly(-128, 127);
    }
}

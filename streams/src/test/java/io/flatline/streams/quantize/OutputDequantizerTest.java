package io.flatline.streams.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class OutputDequantizerTest {

    @Test
    void everyLevelIsTheAffineMapOfTheTensorsScaleAndZeroPoint() {
        float scale = 0.00390625f * 1.7f;
        int zeroPoint = -128;
        byte[] everyLevel = new byte[256];
        for (int q = -128; q <= 127; q++) {
            everyLevel[q + 128] = (byte) q;
        }
        List<Float> view = new OutputDequantizer(scale, zeroPoint).view(everyLevel);
        for (int q = -128; q <= 127; q++) {
            float expected = (q - zeroPoint) * scale;
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(view.get(q + 128)), "level " + q);
        }
    }

    @Test
    void theViewIsTheOutputElementByElementAndCannotBeChanged() {
        OutputDequantizer dequantizer = new OutputDequantizer(0.5f, 3);
        byte[] netOut = {-128, 3, 4, 127};
        List<Float> view = dequantizer.view(netOut);
        assertEquals(List.of(-65.5f, 0f, 0.5f, 62f), view);
        assertEquals(new ArrayList<>(view), view);
        assertThrows(UnsupportedOperationException.class, () -> view.set(0, 1f));
        assertThrows(IndexOutOfBoundsException.class, () -> view.get(4));
    }
}

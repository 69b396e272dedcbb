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
        OutputDequantizer dequantizer = new OutputDequantizer(scale, zeroPoint);
        for (int q = -128; q <= 127; q++) {
            float expected = (q - zeroPoint) * scale;
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(dequantizer.dequantize((byte) q)),
                    "level " + q);
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

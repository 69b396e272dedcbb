package io.flatline.streams.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class LayerUseTest {

    private static LayerUse layer(String name, int... output) {
        byte[] bytes = new byte[output.length];
        for (int i = 0; i < output.length; i++) {
            bytes[i] = (byte) output[i];
        }
        return new LayerUse(name, output.length, 0, bytes);
    }

    @Test
    void theVariationDiesAtTheFirstLayerThatIsEqualOnBothRunsAfterOneThatDiffered() {
        List<LayerUse> before = List.of(layer("input", 1, 2), layer("conv", 5, 0), layer("relu", 0, 0), layer("out", 9));
        List<LayerUse> now = List.of(layer("input", 3, 2), layer("conv", 7, 0), layer("relu", 0, 0), layer("out", 9));
        assertThat(LayerUse.variationDiesAt(before, now)).isEqualTo(2);
        assertThat(LayerUse.evidence(before, now)).startsWith("the difference between consecutive windows dies at relu")
                .contains("layers on the latest window: input uses 2 of 256 levels, 0% zero; conv uses 2 of 256 levels");
    }

    @Test
    void aDifferenceThatReachesTheOutputOrNoDifferenceDiesNowhere() {
        List<LayerUse> before = List.of(layer("input", 1), layer("out", 4));
        assertThat(LayerUse.variationDiesAt(before, List.of(layer("input", 2), layer("out", 5)))).isEqualTo(-1);
        assertThat(LayerUse.variationDiesAt(before, before)).isEqualTo(-1);
        assertThat(LayerUse.evidence(before, before)).startsWith("layers on the latest window: ");
    }
}

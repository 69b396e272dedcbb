package io.flatline.streams.infer;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One tensor of the model run on one window (the input, or an operator's output): how much of its int8 range it
 * uses. What a saturated model looks like from inside: layers that use few levels or are mostly zero, and a layer
 * past which two different inputs give the same output.
 *
 * @param name         "input", or the operator and its output tensor
 * @param levelsUsed   distinct int8 levels in the output, of 256; 0 for a float tensor
 * @param zeroFraction the share of the output's elements at the zero point
 * @param output       the raw int8 output, null for a float tensor
 */
public record LayerUse(String name, int levelsUsed, double zeroFraction, byte[] output) {

    public LayerUse {
        output = output == null ? null : output.clone();
    }

    /**
     * The index of the first layer whose output is the same on both runs while the layer before it differed:
     * past it nothing of the difference between the inputs is left. -1 when the difference reaches the output,
     * or there was none.
     */
    public static int variationDiesAt(List<LayerUse> before, List<LayerUse> now) {
        for (int i = 1; i < Math.min(before.size(), now.size()); i++) {
            if (Arrays.equals(before.get(i).output, now.get(i).output)
                    && !Arrays.equals(before.get(i - 1).output, now.get(i - 1).output)) {
                return i;
            }
        }
        return -1;
    }

    /** The evidence a MODEL_SATURATION alarm carries: where the variation dies, and how the latest window's layers use their range. */
    static String evidence(List<LayerUse> before, List<LayerUse> now) {
        StringBuilder evidence = new StringBuilder();
        int dies = variationDiesAt(before, now);
        if (dies >= 0) {
            evidence.append("the difference between consecutive windows dies at ").append(now.get(dies).name())
                    .append(" (its output is identical for both); ");
        }
        evidence.append("layers on the latest window: ");
        for (int i = 0; i < now.size(); i++) {
            LayerUse layer = now.get(i);
            if (layer.output == null) {
                continue;
            }
            evidence.append(i == 0 ? "" : "; ").append(layer.name()).append(' ').append(String.format(Locale.ROOT,
                    "uses %d of 256 levels, %.0f%% zero", layer.levelsUsed(), 100 * layer.zeroFraction()));
        }
        return evidence.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerUse l && name.equals(l.name) && levelsUsed == l.levelsUsed
                && Double.compare(zeroFraction, l.zeroFraction) == 0 && Arrays.equals(output, l.output);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(output);
    }

    @Override
    public String toString() {
        return "LayerUse[" + name + ", " + levelsUsed + " levels, " + zeroFraction + " zero]";
    }
}

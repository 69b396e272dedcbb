package io.flatline.simulator.fleet;

/**
 * The operating regimes of a simulated machine, which are also the demo model's classes, in the model's output
 * order: {@code ordinal()} is the class index and {@link #label()} its label.
 */
public enum Regime {
    NORMAL("normal"),
    IMBALANCE("imbalance"),
    BEARING_WEAR("bearing-wear"),
    MISALIGNMENT("misalignment"),
    CAVITATION("cavitation");

    private final String label;

    Regime(String label) {
        this.label = label;
    }

    /** The class label, as in the model config's {@code labels}. */
    public String label() {
        return label;
    }

    /** The regime whose {@link #label()} is {@code label}. */
    public static Regime ofLabel(String label) {
        for (Regime regime : values()) {
            if (regime.label.equals(label)) {
                return regime;
            }
        }
        throw new IllegalArgumentException("No regime is labelled '" + label + "'");
    }
}

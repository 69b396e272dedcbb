package io.flatline.model.engine;

import java.util.List;

/**
 * The file is a valid TFLite model but the engine cannot run it. The message names every operator,
 * tensor or type at fault and lists what the engine supports.
 */
public final class UnsupportedModelException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public UnsupportedModelException(List<String> problems) {
        super(String.join("; ", problems) + ". " + Support.SUMMARY);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}

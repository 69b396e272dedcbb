package io.flatline.streams.config;

import java.util.List;

/** A configuration file with mistakes; the message lists every one of them, each with file, line and field. */
public final class InvalidConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public InvalidConfigException(String what, List<String> problems) {
        super(what + " has " + problems.size() + (problems.size() == 1 ? " problem" : " problems") + ":\n  "
                + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}

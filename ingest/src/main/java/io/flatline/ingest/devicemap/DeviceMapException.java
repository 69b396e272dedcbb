package io.flatline.ingest.devicemap;

import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in a device map, one per line of the message. */
public final class DeviceMapException extends Exception {
    private final transient List<Problem> problems;

    public DeviceMapException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining(System.lineSeparator())));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}

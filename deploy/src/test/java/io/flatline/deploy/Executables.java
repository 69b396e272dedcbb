package io.flatline.deploy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Programs the tests run when the machine has them (Debian's promtool, chromium), found as a shell would. */
public final class Executables {

    private Executables() {
    }

    /** The first of {@code names} on $PATH that is executable; empty when none is installed. */
    public static Optional<Path> onPath(String... names) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}

package io.flatline.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.flatline.deploy.Executables;

/**
 * Debian's Chromium, headless, driven from its command line: {@code --dump-dom} prints the page as its scripts
 * left it, {@code --screenshot} saves what it shows. Each run has a fresh profile, and nothing that would reach
 * out to a network (the machine's is closed): the page must work on what the API serves.
 */
final class HeadlessChromium {

    /** Virtual time the page's scripts get: its first fetches and a few polls. */
    private static final int SCRIPT_BUDGET_MS = 8_000;

    private final Path executable;
    private final Path scratch;

    private HeadlessChromium(Path executable, Path scratch) {
        this.executable = executable;
        this.scratch = scratch;
    }

    /** Chromium on $PATH, as Debian's package installs it; empty when it is not installed. */
    static Optional<HeadlessChromium> find(Path scratch) {
        return Executables.onPath("chromium", "chromium-browser").map(p -> new HeadlessChromium(p, scratch));
    }

    /** The page's DOM once its scripts have run. */
    String dumpDom(String url) throws IOException, InterruptedException {
        return run("--dump-dom", url);
    }

    /** Saves a screenshot of the page, once its scripts have run, as a PNG. */
    void screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", url);
        assertThat(png).isNotEmptyFile();
    }

    private String run(String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(scratch, "chromium-profile-");
        List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--virtual-time-budget=" + SCRIPT_BUDGET_MS));
        command.addAll(List.of(args));
        Path out = profile.resolve("stdout");
        Path log = profile.resolve("stderr");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not finish within 90 s: " + command);
        }
        assertThat(p.exitValue()).as("chromium %s exited; its stderr:%n%s", command, Files.readString(log))
                .isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}

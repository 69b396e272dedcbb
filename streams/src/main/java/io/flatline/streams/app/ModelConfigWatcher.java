package io.flatline.streams.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.config.ModelSpec;
import io.flatline.streams.infer.FleetModels;
import io.flatline.streams.topology.PipelineCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the model config and the model files it names every so often, and when their bytes change, runs the
 * new models and assignment: a model added, a device moved, a file replaced, without a restart. Every instance
 * watches its own copy, so instances that mount the same files (a Kubernetes ConfigMap or volume, a shared
 * directory) converge within the interval plus the time the files take to reach them.
 *
 * <p>The files are compared by content, not by time stamps: a ConfigMap update swaps a symbolic link and keeps no
 * meaningful modification time. A config that cannot be read, or a model that cannot be run, changes nothing: it is
 * logged with its file, line and field and counted, and the models that ran go on running. The detector, comparison
 * and alarm settings are part of the topology; a change there is logged as needing a restart.
 */
public final class ModelConfigWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelConfigWatcher.class);

    private final Path file;
    private final FleetModels models;
    private final PipelineCounters counters;
    private final ScheduledExecutorService executor;
    private String seen;

    private ModelConfigWatcher(Path file, FleetModels models, PipelineCounters counters) {
        this.file = file;
        this.models = models;
        this.counters = counters;
        this.seen = fingerprint(file, models.config());
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flatline-models-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts watching {@code file}, the config {@code models} was loaded from, every {@code interval}. */
    public static ModelConfigWatcher start(Path file, FleetModels models, PipelineCounters counters,
                                           Duration interval) {
        ModelConfigWatcher watcher = new ModelConfigWatcher(file, models, counters);
        watcher.executor.scheduleWithFixedDelay(watcher::check, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return watcher;
    }

    /** Reloads when the files changed since they were last looked at; never throws. */
    void check() {
        try {
            String now = fingerprint(file, models.config());
            if (now.equals(seen)) {
                return;
            }
            seen = now;
            ModelConfig next = ModelConfig.load(file);
            ModelConfig before = models.config();
            models.update(next);
            counters.modelReloaded();
            log.info("Model config {} changed: running {} (default {})", file, next.models().stream()
                    .map(ModelSpec::name).toList(), next.assignment().defaultModel());
            List<String> needRestart = needRestart(before, next);
            if (!needRestart.isEmpty()) {
                log.warn("Model config {}: {} changed too, which take effect at the next start", file, needRestart);
            }
        } catch (RuntimeException e) {
            counters.modelReloadFailed();
            log.error("Model config {} changed but cannot be used; the models that ran go on running: {}", file,
                    e.getMessage());
        }
    }

    private static List<String> needRestart(ModelConfig before, ModelConfig next) {
        List<String> changed = new ArrayList<>();
        if (!before.detector().equals(next.detector())) {
            changed.add("detector");
        }
        if (!before.comparison().equals(next.comparison())) {
            changed.add("comparison");
        }
        if (!before.alarm().equals(next.alarm())) {
            changed.add("alarm");
        }
        if (!Objects.equals(before.window().idleEviction(), next.window().idleEviction())) {
            changed.add("window.idleEviction");
        }
        return changed;
    }

    /** The SHA-256 of the config's bytes and of every model file it named when last loaded. */
    private static String fingerprint(Path file, ModelConfig loaded) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(read(file));
            for (ModelSpec spec : loaded.models()) {
                digest.update(read(spec.file()));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            // A file being replaced, or gone: its absence is a change, and the reload says what is wrong.
            return ("missing " + path).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

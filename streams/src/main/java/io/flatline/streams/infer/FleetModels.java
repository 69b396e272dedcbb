package io.flatline.streams.infer;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.config.ModelSpec;

/**
 * Every model the application runs, loaded, and which one the config gives each device; both may change while the
 * application runs ({@link #update}). A model is known on the topics by its id, the SHA-256 of its file, which boards
 * report with each inference: a reported id of a model loaded here wins over the config's assignment (see the
 * inference processor).
 */
public final class FleetModels {

    /** A model as the config names it, and its engine. */
    public record Loaded(ModelSpec spec, ReferenceModel engine) {
        public String id() {
            return engine.modelId();
        }

        public String name() {
            return spec.name();
        }
    }

    /** One version of the fleet's models: read whole, so a reader never sees half of an update. */
    private record Snapshot(int version, ModelConfig config, Map<String, Loaded> byName, Map<String, Loaded> byId) {
        static Snapshot of(int version, ModelConfig config, Map<String, ReferenceModel> engines) {
            Map<String, Loaded> byName = new LinkedHashMap<>();
            Map<String, Loaded> byId = new HashMap<>();
            for (ModelSpec spec : config.models()) {
                ReferenceModel engine = engines.get(spec.name());
                if (engine == null) {
                    throw new IllegalArgumentException("No engine for model " + spec.name());
                }
                Loaded loaded = new Loaded(spec, engine);
                Loaded same = byId.putIfAbsent(loaded.id(), loaded);
                if (same != null) {
                    // Boards name a model by its file's hash: two names for one file leave a report ambiguous.
                    throw new IllegalArgumentException("models." + same.name() + " and models." + spec.name()
                            + " are the same model file (id " + loaded.id().substring(0, 12) + "...); name it once");
                }
                byName.put(spec.name(), loaded);
            }
            return new Snapshot(version, config, byName, byId);
        }
    }

    private volatile Snapshot current;

    private FleetModels(Snapshot first) {
        this.current = first;
    }

    /** Loads every model of the config with the engine; fails naming the model that cannot be run. */
    public static FleetModels load(ModelConfig config) {
        return new FleetModels(Snapshot.of(0, config, engines(config)));
    }

    /** The config's models run by the given engines, by model name. */
    public static FleetModels of(ModelConfig config, Map<String, ReferenceModel> engines) {
        return new FleetModels(Snapshot.of(0, config, engines));
    }

    /** A config of one model, run by {@code engine}. */
    public static FleetModels of(ModelConfig config, ReferenceModel engine) {
        if (config.models().size() != 1) {
            throw new IllegalArgumentException("The config names " + config.models().size()
                    + " models; give an engine for each");
        }
        return of(config, Map.of(config.models().get(0).name(), engine));
    }

    private static Map<String, ReferenceModel> engines(ModelConfig config) {
        Map<String, ReferenceModel> engines = new HashMap<>();
        for (ModelSpec spec : config.models()) {
            engines.put(spec.name(), EngineReferenceModel.load(spec));
        }
        return engines;
    }

    /**
     * Runs {@code config}'s models and assignment from now on, every model loaded again (a file may have been
     * replaced under its name). Fails, changing nothing, when a model cannot be run.
     */
    public synchronized void update(ModelConfig config) {
        current = Snapshot.of(current.version() + 1, config, engines(config));
    }

    /** Changes with every {@link #update}: whoever keeps something per model made from the models notices. */
    public int version() {
        return current.version();
    }

    public ModelConfig config() {
        return current.config();
    }

    public List<Loaded> all() {
        return List.copyOf(current.byName().values());
    }

    public Loaded defaultModel() {
        Snapshot s = current;
        return s.byName().get(s.config().assignment().defaultModel());
    }

    /** The model the config gives {@code device}. */
    public Loaded configuredFor(String device) {
        Snapshot s = current;
        return s.byName().get(s.config().assignment().modelFor(device));
    }

    /** The model of this id when it is loaded here, else the one the config gives {@code device}. */
    public Loaded modelOf(String device, String id) {
        return byId(id).orElseGet(() -> configuredFor(device));
    }

    /** The loaded model of this id, if any. */
    public Optional<Loaded> byId(String id) {
        return Optional.ofNullable(id == null ? null : current.byId().get(id));
    }
}

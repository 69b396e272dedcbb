package io.flatline.streams.infer;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.flatline.streams.config.DeviceAssignment;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.config.ModelSpec;

/**
 * Every model the application runs, loaded, and which one the config gives each device. A model is known on the
 * topics by its id, the SHA-256 of its file, which boards report with each inference: a reported id of a model
 * loaded here wins over the config's assignment (see the inference processor).
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

    private final ModelConfig config;
    private final Map<String, Loaded> byName;
    private final Map<String, Loaded> byId;

    private FleetModels(ModelConfig config, Map<String, ReferenceModel> engines) {
        this.config = config;
        this.byName = new LinkedHashMap<>();
        this.byId = new HashMap<>();
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
    }

    /** Loads every model of the config with the engine; fails naming the model that cannot be run. */
    public static FleetModels load(ModelConfig config) {
        Map<String, ReferenceModel> engines = new HashMap<>();
        for (ModelSpec spec : config.models()) {
            engines.put(spec.name(), EngineReferenceModel.load(spec));
        }
        return new FleetModels(config, engines);
    }

    /** The config's models run by the given engines, by model name. */
    public static FleetModels of(ModelConfig config, Map<String, ReferenceModel> engines) {
        return new FleetModels(config, engines);
    }

    /** A config of one model, run by {@code engine}. */
    public static FleetModels of(ModelConfig config, ReferenceModel engine) {
        if (config.models().size() != 1) {
            throw new IllegalArgumentException("The config names " + config.models().size()
                    + " models; give an engine for each");
        }
        return new FleetModels(config, Map.of(config.models().get(0).name(), engine));
    }

    public ModelConfig config() {
        return config;
    }

    public List<Loaded> all() {
        return List.copyOf(byName.values());
    }

    public Loaded defaultModel() {
        return byName.get(config.assignment().defaultModel());
    }

    /** The model the config gives {@code device}. */
    public Loaded configuredFor(String device) {
        return byName.get(config.assignment().modelFor(device));
    }

    /** The loaded model of this id, if any. */
    public Optional<Loaded> byId(String id) {
        return Optional.ofNullable(id == null ? null : byId.get(id));
    }

    public DeviceAssignment assignment() {
        return config.assignment();
    }
}

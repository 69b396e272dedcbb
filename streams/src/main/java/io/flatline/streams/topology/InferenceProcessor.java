package io.flatline.streams.topology;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.flatline.schemas.AlertSeverity;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.Diagnosis;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import io.flatline.streams.alarm.Activity;
import io.flatline.streams.compare.OutputComparison;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.detect.RunDetector;
import io.flatline.streams.diagnose.Diagnoser;
import io.flatline.streams.diagnose.Verdict;
import io.flatline.streams.infer.FleetModels;
import io.flatline.streams.infer.ReferenceModel;
import io.flatline.streams.quantize.InputQuantizer;
import io.flatline.streams.quantize.LevelCounter;
import io.flatline.streams.quantize.OutputDequantizer;
import io.flatline.streams.window.WindowPolicy;
import io.flatline.streams.window.WindowPolicy.BadQualityPolicy;
import io.flatline.streams.window.WindowState;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Windows each device's readings, runs the reference on every due window, and follows the reference's own
 * outputs for flatlines. Writes {@link Prediction}s, and hands each to the monitor as a {@link ReferenceOutcome}
 * with what the reference's detector made of it.
 *
 * <p>Each device runs one of the fleet's models: the one its board last reported, when it is one of them, else the
 * one the config gives it. The board's inferences pass through here on their way to the monitor, so that a report
 * of another model moves the device before that report is compared: the device's window and runs start afresh for
 * the new model, and the monitor is told first ({@link ModelCut}).
 */
final class InferenceProcessor implements Processor<String, Object, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(InferenceProcessor.class);

    private final FleetModels models;
    private final ModelConfig config;
    private final PipelineCounters counters;
    /** By model id: what this processor runs each model with, made on a model's first use. */
    private final Map<String, ModelRun> runs = new HashMap<>();
    /** The most readings any model takes in a window: how many a device's {@link RecentReadings} hold. */
    private int longestWindow;
    /** The version of the models {@link #runs} and {@link #devices} were made with. */
    private int modelsVersion;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ReferenceState> store;
    /**
     * Every device the task has seen, found with one lookup per reading. Made afresh in every {@code init}:
     * Kafka Streams calls it again when a task is revived after an aborted transaction, and restores the store
     * from the changelog, so nothing read before that may survive.
     */
    private Map<String, Device> devices;
    /** Made afresh in every {@code init}, as {@link #devices} is. */
    private IdleDevices idle;

    /**
     * One model as this processor runs it. The runners are one source per processor, so per task: a task's devices
     * share the engine's buffers, as one thread runs them.
     */
    private static final class ModelRun {
        final FleetModels.Loaded model;
        final ReferenceModel engine;
        final WindowPolicy window;
        final InputQuantizer quantizer;
        final OutputDequantizer dequantizer;
        /** By output index: the configured label, or a made-up one where the config has too few. */
        final String[] labels;
        final ReferenceModel.Runners runners;

        ModelRun(FleetModels.Loaded model) {
            this.model = model;
            this.engine = model.engine();
            this.window = model.spec().window();
            this.quantizer = new InputQuantizer(model.spec().normalization(), engine.inputScale(),
                    engine.inputZeroPoint());
            this.dequantizer = new OutputDequantizer(engine.outputScale(), engine.outputZeroPoint());
            this.labels = new String[engine.outputs()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = i < model.spec().labels().size() ? model.spec().labels().get(i) : "class-" + i;
            }
            this.runners = engine.newRunners();
        }

        ReferenceState emptyState() {
            return ReferenceState.empty(engine.timeSteps(), engine.channels(), model.id());
        }

        /** Whether both models quantize a device's readings into the same window bytes. */
        boolean takesTheSameInputAs(ModelRun other) {
            return engine.timeSteps() == other.engine.timeSteps() && engine.channels() == other.engine.channels()
                    && Float.compare(engine.inputScale(), other.engine.inputScale()) == 0
                    && engine.inputZeroPoint() == other.engine.inputZeroPoint()
                    && model.spec().normalization().equals(other.model.spec().normalization());
        }
    }

    /**
     * What the processor holds of one device: its state as last read from or written to the store (which, with
     * its changelog, stays the truth), its model, and what the reference keeps in memory only: the engine's runner
     * and the level counter both check that a window follows on from the last one before they reuse anything, so
     * they need no store.
     */
    private static final class Device {
        ReferenceState state;
        final ModelRun run;
        final ReferenceModel.Runner runner;
        final LevelCounter levels;
        /** The id of a model the board reported that the application does not run, once warned about. */
        String unknownReported;
        /** The readings of its window, raw, for a model change (see {@link RecentReadings}). */
        final RecentReadings recent;
        /** The model the config gives the device, resolved once: assignment patterns are not matched per reading. */
        final FleetModels.Loaded configured;

        Device(ReferenceState state, ModelRun run, RecentReadings recent, FleetModels.Loaded configured) {
            this.state = state;
            this.run = run;
            this.configured = configured;
            this.runner = run.runners.newRunner();
            this.levels = new LevelCounter(run.engine.channels());
            this.recent = recent;
        }
    }

    InferenceProcessor(FleetModels models, PipelineCounters counters) {
        this.models = models;
        this.config = models.config();
        this.counters = counters;
        this.modelsVersion = models.version();
        this.longestWindow = longestWindow(models);
    }

    private static int longestWindow(FleetModels models) {
        return models.all().stream().mapToInt(m -> m.engine().timeSteps()).max().orElseThrow();
    }

    /**
     * After the models changed, what was made from the old ones goes: each device is read again from the store and
     * moves to the model it is now given on its next reading.
     */
    private void followModelChanges() {
        if (models.version() != modelsVersion) {
            modelsVersion = models.version();
            longestWindow = longestWindow(models);
            runs.clear();
            // Each device keeps its state and its recent readings; it moves on its next reading if it must.
            Map<String, Device> kept = new HashMap<>();
            devices.forEach((id, d) -> {
                FleetModels.Loaded configured = models.configuredFor(id);
                kept.put(id, new Device(d.state, run(models.byId(d.state.model()).orElse(configured)), d.recent,
                        configured));
            });
            devices = kept;
            log.info("The models changed: {}", models.all().stream().map(m -> m.name() + " ("
                    + m.id().substring(0, 12) + ")").toList());
        }
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = context.getStateStore(StoreNames.WINDOWS);
        this.devices = new HashMap<>();
        this.idle = new IdleDevices(config.window().idleEviction());
        idle.schedule(context, this::evict);
    }

    /** A device idle for longer than the window's idleEviction: its state is in the store, its runner starts anew. */
    private void evict(String device) {
        devices.remove(device);
        counters.evicted.incrementAndGet();
        log.debug("Device {} idle for {}: let go of in memory, read back on its next reading", device,
                config.window().idleEviction());
    }

    /**
     * A tombstone for the device: its window and the reference's run leave the store and the heap, and the
     * monitor is told to let go of the rest. A later reading starts the device afresh.
     */
    private void retire(Record<String, Object> tombstone) {
        String device = tombstone.key();
        if (device == null) {
            counters.malformed.incrementAndGet();
            log.warn("A reading without a key and without a value: dropped");
            return;
        }
        store.delete(device);
        devices.remove(device);
        idle.forget(device);
        counters.retired.incrementAndGet();
        log.info("Device {} retired by a tombstone: its window, its reference's run and its monitoring are deleted",
                device);
        context.forward(tombstone, FlatlineTopology.MONITOR);
    }

    private ModelRun run(FleetModels.Loaded model) {
        return runs.computeIfAbsent(model.id(), id -> new ModelRun(model));
    }

    /**
     * The device as held, read from the store on its first record. Its window's model is the one it was built for;
     * state from before models were named here was built for the configured one. State of a model no longer run is
     * held as it is, and the device's next reading moves it.
     */
    private Device device(String id) {
        Device device = devices.get(id);
        if (device == null) {
            ReferenceState stored = store.get(id);
            FleetModels.Loaded configured = models.configuredFor(id);
            FleetModels.Loaded model = stored == null ? null : models.byId(stored.model()).orElse(null);
            if (model == null) {
                model = configured;
                if (stored == null) {
                    stored = run(model).emptyState();
                } else if (stored.model() == null) {
                    stored = stored.withModel(model.id());
                }
            }
            device = new Device(stored, run(model), new RecentReadings(longestWindow), configured);
            devices.put(id, device);
        }
        return device;
    }

    /**
     * The model of the device's window ending at {@code seq}: once its board has reported one of the fleet's models,
     * that model from the first window the board reported with it on, and the one it ran before that until then;
     * else the one the config gives it.
     */
    private FleetModels.Loaded target(Device device, long seq) {
        ReferenceState state = device.state;
        if (state.reported() == null) {
            return device.configured;
        }
        Optional<FleetModels.Loaded> reported = models.byId(state.reported());
        if (reported.isEmpty()) {
            return device.configured;
        }
        if (seq >= state.reportedSince() || reported.get().id().equals(state.model())) {
            return reported.get();
        }
        return models.byId(state.model()).orElse(device.configured);
    }

    /**
     * Moves the device to {@code to}: the reference's run starts afresh, and its window is the new model's on the
     * same readings: rebuilt from the readings held in memory, or, after a restart, kept when the new model takes
     * the same quantized input (a retrained model usually does), else started anew. The monitor is told before
     * anything of the new model reaches it. Returns the device as now held.
     */
    private Device cut(Record<String, ?> record, String id, Device held, FleetModels.Loaded to, long firstSeq,
                       String reason) {
        ModelRun run = run(to);
        ReferenceState fresh = held.state.cutTo(to.id(), run.engine.timeSteps(), run.engine.channels());
        WindowState rebuilt = held.recent.replay(fresh.window(), r -> run.quantizer.quantizeRow(r.getValues()),
                run.window);
        boolean carried = held.run.model.id().equals(held.state.model()) && run.takesTheSameInputAs(held.run)
                && !(rebuilt.lastSeq() == held.state.window().lastSeq() && rebuilt.full());
        ReferenceState next = carried ? held.state.carriedTo(to.id()) : fresh.withWindow(rebuilt);
        Device moved = new Device(next, run, held.recent, held.configured);
        store.put(id, moved.state);
        devices.put(id, moved);
        counters.modelCuts.incrementAndGet();
        log.info("Device {} moves from model {} to {} ({}) after window {}: its runs and comparison start afresh", id,
                held.run.model.name(), to.name(), reason, held.state.window().lastSeq());
        context.forward(record.withKey(id).withValue(new ModelCut(to.id(), firstSeq)),
                FlatlineTopology.MONITOR);
        return moved;
    }

    private void save(String id, Device device, ReferenceState next) {
        store.put(id, next);
        device.state = next;
    }

    @Override
    public void process(Record<String, Object> record) {
        followModelChanges();
        Object value = record.value();
        if (value instanceof SensorReading reading) {
            process(record, reading);
        } else if (value instanceof BoardInference report) {
            process(record, report);
        } else {
            retire(record);
        }
    }

    /**
     * A board's report: when it names one of the fleet's models other than the device's, the device moves to it
     * first. Then it goes on to the monitor.
     */
    private void process(Record<String, Object> record, BoardInference report) {
        String id = record.key() != null ? record.key() : report.getDeviceId();
        String reported = report.getModelId();
        if (reported != null) {
            Device held = device(id);
            // A report that does not say its window is taken as one of the window the reference is at.
            long seq = report.getWindowEndSeq() == null ? held.state.window().lastSeq() : report.getWindowEndSeq();
            Optional<FleetModels.Loaded> model = models.byId(reported);
            if (model.isEmpty()) {
                counters.unknownModelReports.incrementAndGet();
                if (!reported.equals(held.unknownReported)) {
                    held.unknownReported = reported;
                    log.warn("The board of {} reports model {}, which this application does not run: its reports are"
                            + " not compared until it runs one of {}", id, reported,
                            models.all().stream().map(m -> m.name() + " (" + m.id().substring(0, 12) + ")").toList());
                }
                return;
            }
            if (!reported.equals(held.state.model()) && !reported.equals(held.state.reported())
                    && seq <= held.state.reportedSince()) {
                // A late report of the model the device ran before its board reported the current one.
                counters.otherModelReports.incrementAndGet();
                return;
            }
            if (!reported.equals(held.state.reported()) && seq > held.state.reportedSince()) {
                // The report's window is the first of the new model: the windows from it on are the new model's.
                // A report that comes after its readings finds the reference past it: the device moves at once.
                held.state = held.state.withReported(reported, seq);
                store.put(id, held.state);
                if (!reported.equals(held.state.model()) && held.state.window().lastSeq() >= seq) {
                    cut(record, id, held, model.get(), held.state.window().lastSeq() + 1, "its board reports it");
                }
            }
        }
        context.forward(record, FlatlineTopology.MONITOR);
    }

    private void process(Record<String, Object> record, SensorReading reading) {
        String device = record.key() != null ? record.key() : reading.getDeviceId();
        idle.seen(device, record.timestamp());
        Device held = device(device);
        FleetModels.Loaded target = target(held, reading.getSeq());
        if (!target.id().equals(held.state.model())) {
            held = cut(record, device, held, target, reading.getSeq(), target.id().equals(held.state.reported())
                    ? "its board reports it" : "the config assigns it");
        }
        ModelRun run = held.run;
        ReferenceState stored = held.state;
        WindowState state = stored.window();
        if (reading.getQuality() != Quality.GOOD && !usable(run, reading)) {
            counters.badQuality.incrementAndGet();
            if (run.window.onBadQuality() == BadQualityPolicy.RESET) {
                save(device, held, stored.withWindow(state.reset()));
                held.recent.clear();
            }
            return;
        }
        if (reading.getValues().size() != run.engine.channels()) {
            counters.malformed.incrementAndGet();
            log.warn("Reading {} of {} has {} values, the model takes {} channels; dropped", reading.getSeq(), device,
                    reading.getValues().size(), run.engine.channels());
            return;
        }
        WindowState.Step step = state.accept(reading.getSeq(), reading.getTimestamp().toEpochMilli(),
                run.quantizer.quantizeRow(reading.getValues()), run.window);
        switch (step.outcome()) {
            case DUPLICATE -> {
                counters.duplicates.incrementAndGet();
                return;
            }
            case OUT_OF_ORDER -> {
                counters.outOfOrder.incrementAndGet();
                return;
            }
            case APPENDED_AFTER_GAP -> counters.gaps.incrementAndGet();
            case APPENDED -> { }
        }
        held.recent.add(reading);
        ReferenceState next = stored.withReading(step.state(), reading.getValues());
        if (!step.predictionDue()) {
            save(device, held, next);
            return;
        }
        Prediction prediction = predict(device, held, next);
        RunDetector.Result reference = followReference(next, prediction);
        // The state first, the outputs once it is certain: a reading that fails before this line leaves neither.
        save(device, held, next.withRun(reference.state()));
        // Keyed once: every Record copy copies its headers, and a reading with a key is the common case.
        Record<String, Object> in = record.key() != null ? record : record.withKey(device);
        context.forward(in.withValue(prediction), FlatlineTopology.WRITE);
        byte[] window = next.window().window();
        context.forward(in.withValue(new ReferenceOutcome(prediction,
                reference.stuck().because(() -> saturation(run, reference.stuck(), state, window)),
                reference.stale().because(() -> Diagnoser.staleReadings(reference.stale().runLength())))),
                FlatlineTopology.MONITOR);
    }

    private static boolean usable(ModelRun run, SensorReading reading) {
        return run.window.onBadQuality() == BadQualityPolicy.USE
                && reading.getValues().size() == run.engine.channels();
    }

    /** Runs the reference on the device's full window: the prediction, not yet judged by the detector. */
    private Prediction predict(String device, Device held, ReferenceState current) {
        WindowState state = current.window();
        byte[] window = state.window();
        boolean slid = state.appended() > state.size();
        ModelRun run = held.run;
        int newRows = slid ? run.window.stride() : -1;
        byte[] netOut = held.runner.run(window, newRows);
        long crc = InputQuantizer.crc32(window);
        Instant at = Instant.ofEpochMilli(state.lastTimestamp());
        // The constructor, not Avro's builder: the builder validates and copies every field, a visible share of
        // the thread at one prediction per reading. Every field is set here, so there is nothing to validate.
        Prediction prediction = new Prediction(device, state.lastSeq(), at, run.model.id(), crc,
                ByteBuffer.wrap(netOut), run.dequantizer.view(netOut), run.labels[OutputComparison.top1(netOut)],
                held.levels.levels(window, newRows));
        counters.predictions.incrementAndGet();
        return prediction;
    }

    /**
     * Moves the reference's detector on by the window. What it says goes to the monitor, which owns every alarm of
     * the device, the reference's and the board's, so that one cause makes one episode.
     */
    private RunDetector.Result followReference(ReferenceState current, Prediction prediction) {
        return RunDetector.observe(current.run(), new RunDetector.Observation(prediction.getWindowEndSeq(),
                prediction.getNetOut().array(), prediction.getInputCrc32(), current.steadyReadings()),
                config.detector());
    }

    /** Why the reference's output flatlined: the model, traced layer by layer over the last two windows. */
    private Verdict saturation(ModelRun run, Activity stuck, WindowState previous, byte[] window) {
        String what = stuck.severity() == AlertSeverity.FAIL
                ? "the reference itself gave this output for " + stuck.runLength() + " windows over "
                + stuck.distinctInputs() + " different inputs; "
                : "the reference's output stayed within " + config.detector().flatlineToleranceLsb() + " LSB of one"
                + " value on most of the last " + stuck.runLength() + " windows, over " + stuck.distinctInputs()
                + " different inputs; ";
        return new Verdict(Diagnosis.MODEL_SATURATION, what
                + (previous.full() ? run.engine.saturationEvidence(previous.window(), window) : ""));
    }
}

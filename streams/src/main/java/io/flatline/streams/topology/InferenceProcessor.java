package io.flatline.streams.topology;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.flatline.schemas.AlertSeverity;
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
import io.flatline.streams.infer.ReferenceModel;
import io.flatline.streams.quantize.InputQuantizer;
import io.flatline.streams.quantize.LevelCounter;
import io.flatline.streams.quantize.OutputDequantizer;
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
 */
final class InferenceProcessor implements Processor<String, SensorReading, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(InferenceProcessor.class);

    private final ModelConfig config;
    private final ReferenceModel model;
    private final InputQuantizer quantizer;
    private final OutputDequantizer dequantizer;
    /** By output index: the configured label, or a made-up one where the config has too few. */
    private final String[] labels;
    private final PipelineCounters counters;
    /** One per processor, so per task: a task's devices share the engine's buffers, as one thread runs them. */
    private final ReferenceModel.Runners runners;
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
     * What the processor holds of one device: its state as last read from or written to the store (which, with
     * its changelog, stays the truth), and what the reference keeps in memory only: the engine's runner and the
     * level counter both check that a window follows on from the last one before they reuse anything, so they
     * need no store.
     */
    private static final class Device {
        ReferenceState state;
        final ReferenceModel.Runner runner;
        final LevelCounter levels;

        Device(ReferenceState state, ReferenceModel.Runner runner, LevelCounter levels) {
            this.state = state;
            this.runner = runner;
            this.levels = levels;
        }
    }

    InferenceProcessor(ModelConfig config, ReferenceModel model, PipelineCounters counters) {
        this.config = config;
        this.model = model;
        this.quantizer = new InputQuantizer(config.normalization(), model.inputScale(), model.inputZeroPoint());
        this.dequantizer = new OutputDequantizer(model.outputScale(), model.outputZeroPoint());
        this.labels = new String[model.outputs()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < config.labels().size() ? config.labels().get(i) : "class-" + i;
        }
        this.runners = model.newRunners();
        this.counters = counters;
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
    private void retire(Record<String, SensorReading> tombstone) {
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

    private Device device(String id) {
        Device device = devices.get(id);
        if (device == null) {
            ReferenceState stored = store.get(id);
            device = new Device(stored != null ? stored : ReferenceState.empty(model.timeSteps(), model.channels()),
                    runners.newRunner(), new LevelCounter(model.channels()));
            devices.put(id, device);
        }
        return device;
    }

    private void save(String id, Device device, ReferenceState next) {
        store.put(id, next);
        device.state = next;
    }

    @Override
    public void process(Record<String, SensorReading> record) {
        SensorReading reading = record.value();
        if (reading == null) {
            retire(record);
            return;
        }
        String device = record.key() != null ? record.key() : reading.getDeviceId();
        idle.seen(device, record.timestamp());
        Device held = device(device);
        ReferenceState stored = held.state;
        WindowState state = stored.window();
        if (reading.getQuality() != Quality.GOOD && !usable(reading)) {
            counters.badQuality.incrementAndGet();
            if (config.window().onBadQuality() == BadQualityPolicy.RESET) {
                save(device, held, stored.withWindow(state.reset()));
            }
            return;
        }
        if (reading.getValues().size() != model.channels()) {
            counters.malformed.incrementAndGet();
            log.warn("Reading {} of {} has {} values, the model takes {} channels; dropped", reading.getSeq(), device,
                    reading.getValues().size(), model.channels());
            return;
        }
        WindowState.Step step = state.accept(reading.getSeq(), reading.getTimestamp().toEpochMilli(),
                quantizer.quantizeRow(reading.getValues()), config.window());
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
        ReferenceState next = stored.withReading(step.state(), reading.getValues());
        if (!step.predictionDue()) {
            save(device, held, next);
            return;
        }
        Prediction prediction = predict(device, held, next);
        RunDetector.Result run = followReference(next, prediction);
        // The state first, the outputs once it is certain: a reading that fails before this line leaves neither.
        save(device, held, next.withRun(run.state()));
        // Keyed once: every Record copy copies its headers, and a reading with a key is the common case.
        Record<String, SensorReading> in = record.key() != null ? record : record.withKey(device);
        context.forward(in.withValue(prediction), FlatlineTopology.WRITE);
        byte[] window = next.window().window();
        context.forward(in.withValue(new ReferenceOutcome(prediction,
                run.stuck().because(() -> saturation(run.stuck(), state, window)),
                run.stale().because(() -> Diagnoser.staleReadings(run.stale().runLength())))),
                FlatlineTopology.MONITOR);
    }

    private boolean usable(SensorReading reading) {
        return config.window().onBadQuality() == BadQualityPolicy.USE && reading.getValues().size() == model.channels();
    }

    /** Runs the reference on the device's full window: the prediction, not yet judged by the detector. */
    private Prediction predict(String device, Device held, ReferenceState current) {
        WindowState state = current.window();
        byte[] window = state.window();
        boolean slid = state.appended() > state.size();
        int newRows = slid ? config.window().stride() : -1;
        byte[] netOut = held.runner.run(window, newRows);
        long crc = InputQuantizer.crc32(window);
        Instant at = Instant.ofEpochMilli(state.lastTimestamp());
        // The constructor, not Avro's builder: the builder validates and copies every field, a visible share of
        // the thread at one prediction per reading. Every field is set here, so there is nothing to validate.
        Prediction prediction = new Prediction(device, state.lastSeq(), at, model.modelId(), crc,
                ByteBuffer.wrap(netOut), dequantizer.view(netOut), labels[OutputComparison.top1(netOut)],
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
    private Verdict saturation(Activity stuck, WindowState previous, byte[] window) {
        String what = stuck.severity() == AlertSeverity.FAIL
                ? "the reference itself gave this output for " + stuck.runLength() + " windows over "
                + stuck.distinctInputs() + " different inputs; "
                : "the reference's output stayed within " + config.detector().flatlineToleranceLsb() + " LSB of one"
                + " value on most of the last " + stuck.runLength() + " windows, over " + stuck.distinctInputs()
                + " different inputs; ";
        return new Verdict(Diagnosis.MODEL_SATURATION, what
                + (previous.full() ? model.saturationEvidence(previous.window(), window) : ""));
    }
}

package io.flatline.streams.topology;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSource;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.BoardInference;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Prediction;
import io.flatline.streams.alarm.Activity;
import io.flatline.streams.alarm.AlarmLifecycle;
import io.flatline.streams.alarm.AlarmSettings;
import io.flatline.streams.alarm.DeviceAlarms;
import io.flatline.streams.compare.AgreementWindow;
import io.flatline.streams.compare.BoardMonitor;
import io.flatline.streams.compare.BoardMonitor.Reference;
import io.flatline.streams.infer.FleetModels;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet view of one device: keeps its recent reference windows, holds the board's inferences against
 * them, owns every alarm of the device (the reference's and the board's, through one {@link DeviceAlarms}), and
 * keeps the device's health. Emits {@link BoardComparison}s, {@link Alert}s and {@link DeviceHealth}.
 *
 * <p>A record has all its effects or none: its state changes are held until it has been handled in full, then
 * saved, and only then do its outputs go out. A record that fails half way leaves the stores as they were and
 * its device's objects are read from them again; the exception goes on to Kafka Streams' processing exception
 * handler, which sends the record to the dead-letter topic with the reason in its headers.
 */
final class MonitorProcessor implements Processor<String, Object, String, SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(MonitorProcessor.class);

    /** Health goes out on every change that matters, and at least once per this many windows. */
    static final int HEALTH_HEARTBEAT_WINDOWS = 50;

    private final BoardMonitor.Settings settings;
    private final AlarmSettings alarmSettings;
    private final FleetModels models;
    private final Duration idleEviction;
    private final PipelineCounters counters;
    private ProcessorContext<String, SpecificRecord> context;
    private HeldValues<BoardMonitor.State> boards;
    private HeldValues<DeviceHealth> health;
    private HeldValues<DeviceAlarms> alarms;
    /** Made afresh in every {@code init}, as {@link HeldValues} are. */
    private ReferenceWindows referenceWindows;
    /**
     * Per device, its board's agreement since the device's health was last built: it goes into the next one.
     * Building a health per comparison (through Avro's builder, which copies every field) was a visible share of
     * the stream thread with every board reporting. A revived task has it again at the board's next comparison.
     */
    private Map<String, AgreementWindow.Summary> agreementToPublish;
    /** The current record's outputs, written once its state is saved. */
    private final List<Record<String, SpecificRecord>> emitted = new ArrayList<>();
    /** The current record's join misses, counted once its state is saved. */
    private long joinMisses;
    /** Made afresh in every {@code init}, as {@link HeldValues} are. */
    private IdleDevices idle;

    MonitorProcessor(BoardMonitor.Settings settings, AlarmSettings alarmSettings, FleetModels models,
                     Duration idleEviction, PipelineCounters counters) {
        this.settings = settings;
        this.alarmSettings = alarmSettings;
        this.models = models;
        this.idleEviction = idleEviction;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.referenceWindows = new ReferenceWindows(context.getStateStore(StoreNames.REFERENCE_CHUNKS),
                settings.retentionWindows(), this::outputsOf);
        this.boards = new HeldValues<>(context.getStateStore(StoreNames.BOARDS));
        this.health = new HeldValues<>(context.getStateStore(StoreNames.HEALTH));
        this.alarms = new HeldValues<>(context.getStateStore(StoreNames.ALARMS));
        this.agreementToPublish = new HashMap<>();
        this.idle = new IdleDevices(idleEviction);
        idle.schedule(context, this::evict);
    }

    /**
     * A device idle for longer than the window's idleEviction leaves the heap: its board, health and alarms are
     * read from the stores on its next record, and so are its reference windows once its board has reported (until
     * then they are in memory only, and gone, as after a restart). The agreement it has not published yet goes
     * into its stored health, so that its next health is the one it would have published anyway.
     */
    private void evict(String device) {
        AgreementWindow.Summary agreement = agreementToPublish.remove(device);
        DeviceHealth current = health.get(device);
        if (agreement != null && current != null) {
            health.put(device, withAgreement(DeviceHealth.newBuilder(current), agreement).build());
            health.save();
        }
        forget(device);
    }

    /** Lets go of everything held of the device in memory; all of it is saved. */
    private void forget(String device) {
        boards.forget(device);
        health.forget(device);
        alarms.forget(device);
        referenceWindows.forget(device);
        agreementToPublish.remove(device);
        idle.forget(device);
    }

    @Override
    public void process(Record<String, Object> record) {
        String device = record.key();
        AgreementWindow.Summary unpublished = agreementToPublish.get(device);
        emitted.clear();
        joinMisses = 0;
        try {
            if (record.value() == null) {
                retire(device);
            } else {
                idle.seen(device, record.timestamp());
                handle(device, record);
            }
            save();
        } catch (RuntimeException e) {
            undo(device, unpublished);
            counters.failed.incrementAndGet();
            log.warn("A record of {} failed in the monitor; none of its effects stay, and it goes to the dead-letter"
                    + " topic: {}", device, e.toString());
            throw e;
        }
        if (record.value() == null) {
            forget(device);
        }
        counters.joinMisses.addAndGet(joinMisses);
        for (Record<String, SpecificRecord> out : emitted) {
            if (out.value() instanceof BoardComparison) {
                counters.comparisons.incrementAndGet();
            } else if (out.value() instanceof Alert) {
                counters.alerts.incrementAndGet();
            }
            context.forward(out);
        }
    }

    /** The health store first: it is written at once, the others at the commit, so only it can fail here. */
    private void save() {
        health.save();
        boards.save();
        alarms.save();
        referenceWindows.save();
    }

    /** The stores as they were before the record, and the device's objects read from them again. */
    private void undo(String device, AgreementWindow.Summary unpublished) {
        health.discard();
        boards.discard();
        alarms.discard();
        referenceWindows.discard(device);
        if (unpublished == null) {
            agreementToPublish.remove(device);
        } else {
            agreementToPublish.put(device, unpublished);
        }
    }

    /** A retired device: its board, alarms, health and reference windows are deleted. */
    private void retire(String device) {
        for (HeldValues<?> store : List.of(boards, health, alarms)) {
            if (store.get(device) != null) {
                store.put(device, null);
            }
        }
        int chunks = referenceWindows.retire(device);
        log.info("Device {} retired: its board's state, alarms, health and {} chunks of reference windows deleted",
                device, chunks);
    }

    /** The id of the model the device's reference runs, as its health says; null before anything of it. */
    private String modelOf(String device) {
        DeviceHealth current = health.get(device);
        return current == null ? null : current.getModelId();
    }

    /** How many outputs the device's model has: its windows' and its board's. */
    private int outputsOf(String device) {
        return models.modelOf(device, modelOf(device)).engine().outputs();
    }

    /**
     * The device moved to another model: every open alarm ends here (the cause it was raised for was the old
     * model's or its board's), and the board's comparison and the reference windows start afresh.
     */
    private void cut(String device, Record<String, Object> in, ModelCut cut) {
        DeviceAlarms open = alarms.get(device);
        if (open != null) {
            for (Alert cleared : open.endAll(device, in.timestamp())) {
                emit(in, cleared);
            }
            alarms.put(device, null);
        }
        referenceWindows.retire(device);
        agreementToPublish.remove(device);
        DeviceHealth before = health.get(device);
        DeviceHealth after = changed(device, in.timestamp(), before, h -> h.setModelId(cut.to()).setOpenAlerts(List.of())
                .setDiagnosis(null).setEpisodes(List.of()).setLabel(null).setComparedWindows(0).setExactMatchRate(null)
                .setTop1AgreementRate(null).setMaxAbsDiffLsb(null));
        health.put(device, after);
        emit(in, after);
        BoardMonitor.State board = boards.get(device);
        if (board != null) {
            BoardMonitor.State kept = board.cutAt(cut.firstSeq(), settings.summaryWindows(), outputsOf(device));
            boards.put(device, kept.pending().isEmpty() && kept.joinMisses() == 0 ? null : kept);
        }
    }

    private void emit(Record<String, Object> in, SpecificRecord value) {
        emitted.add(in.withValue(value));
    }

    private void handle(String device, Record<String, Object> record) {
        Object value = record.value();
        if (value instanceof ModelCut cut) {
            cut(device, record, cut);
        } else if (value instanceof ReferenceOutcome outcome) {
            Prediction prediction = outcome.prediction();
            progress(device, record, prediction);
            long seq = prediction.getWindowEndSeq();
            long time = prediction.getTimestamp().toEpochMilli();
            observe(device, record, AlertSource.REFERENCE, AlertKind.STUCK_OUTPUT, outcome.stuck(), seq, time);
            observe(device, record, AlertSource.REFERENCE, AlertKind.SENSOR_STALE, outcome.stale(), seq, time);
            // Every device's windows are kept (in memory only until its board reports), so that a board's first
            // reports are matched the same way whether they arrive before or after their readings.
            RecentReferences references = remember(device, prediction);
            BoardMonitor.State board = boards.get(device);
            if (board != null) {
                settle(device, record, board, BoardMonitor.onReference(device, board, references, settings),
                        references.newestSeq());
            }
        } else if (value instanceof BoardInference inference) {
            BoardMonitor.State board = boards.get(device);
            if (board == null) {
                referenceWindows.keepDurably(device);
            }
            BoardMonitor.State current = board != null ? board
                    : BoardMonitor.State.initial(settings.summaryWindows(), outputsOf(device));
            RecentReferences references = referenceWindows.of(device);
            settle(device, record, board, BoardMonitor.onBoardInference(device, current, inference, references,
                    settings), references.newestSeq());
        }
    }

    /** Applies what the board monitor concluded; writes the board's state only when it changed. */
    private void settle(String device, Record<String, Object> in, BoardMonitor.State before,
                        BoardMonitor.Outcome outcome, long newestSeq) {
        boolean unchanged = before == null ? outcome.state().pending().isEmpty() : outcome.state().equals(before);
        if (unchanged && outcome.comparisons().isEmpty() && outcome.signals().isEmpty()) {
            return;
        }
        boards.put(device, outcome.state());
        joinMisses += outcome.state().joinMisses() - (before == null ? 0 : before.joinMisses());
        String model = modelOf(device);
        for (BoardComparison comparison : outcome.comparisons()) {
            comparison.setModelId(model);
            emit(in, comparison);
        }
        for (BoardMonitor.Signal signal : outcome.signals()) {
            observe(device, in, AlertSource.BOARD, signal.kind(), signal.activity(), signal.seq(), signal.time());
        }
        if (!outcome.comparisons().isEmpty()) {
            agreementToPublish.put(device, outcome.state().agreement().summary());
            // Published with the next health, unless this one moves the health into a new heartbeat period.
            DeviceHealth current = health.get(device);
            if (current == null || heartbeat(current.getLastSeq())
                    != heartbeat(Math.max(newestSeq, lastSeq(current.getLastSeq())))) {
                updateHealth(device, in, in.timestamp(), newestSeq, h -> h);
            }
        }
    }

    /** One window of one of the device's conditions: moves its alarm on, writes the alert edge if there is one. */
    private void observe(String device, Record<String, Object> in, AlertSource source, AlertKind kind,
                         Activity activity, long seq, long time) {
        DeviceAlarms before = alarms.get(device);
        if (before == null && !activity.holds()) {
            return;
        }
        DeviceAlarms.Step step = (before == null ? DeviceAlarms.NONE : before)
                .observe(device, source, kind, activity, seq, time, alarmSettings);
        alarms.put(device, step.next().isEmpty() ? null : step.next());
        Alert alert = step.alert();
        if (alert != null) {
            emit(in, alert);
        }
        if (alert != null || step.returned()) {
            // A return changes no alert record, but the health's episodes say how often it came back.
            DeviceAlarms open = step.next();
            updateHealth(device, in, time, seq, h -> h.setOpenAlerts(open.open().stream().map(a -> a.kind().name())
                    .distinct().toList())
                    .setDiagnosis(open.isEmpty() ? null : last(open.open()).verdict().diagnosis().name())
                    .setEpisodes(open.episodes()));
        }
    }

    private static AlarmLifecycle last(List<AlarmLifecycle> open) {
        return open.get(open.size() - 1);
    }

    /**
     * A prediction moves the device's health on by one window. The store keeps what was last published, so it
     * is written only when the health goes out (a change that matters, or the heartbeat): one write per
     * {@link #HEALTH_HEARTBEAT_WINDOWS} windows rather than per window, which the throughput benchmark measures.
     */
    private void progress(String device, Record<String, Object> in, Prediction prediction) {
        DeviceHealth before = health.get(device);
        long seq = prediction.getWindowEndSeq();
        if (before != null && heartbeat(before.getLastSeq()) == heartbeat(seq)
                && prediction.getLabel().equals(before.getLabel())
                && prediction.getModelId().equals(before.getModelId())) {
            return;
        }
        DeviceHealth after = changed(device, prediction.getTimestamp().toEpochMilli(), before,
                h -> h.setLastSeq(seq).setLabel(prediction.getLabel()).setModelId(prediction.getModelId()));
        health.put(device, after);
        emit(in, after);
    }

    /**
     * Any other change of the health: stored at once, published when it matters. The stored last seq may be up
     * to a heartbeat behind, so the newest seq the caller knows of brings it up to date.
     */
    private void updateHealth(String device, Record<String, Object> in, long time, long newestSeq,
                              UnaryOperator<DeviceHealth.Builder> change) {
        DeviceHealth before = health.get(device);
        DeviceHealth after = changed(device, time, before, h -> {
            if (newestSeq > lastSeq(h.getLastSeq())) {
                h.setLastSeq(newestSeq);
            }
            return change.apply(h);
        });
        health.put(device, after);
        if (before == null || mattersChanged(before, after)) {
            emit(in, after);
        }
    }

    /**
     * The health after a change, with the board's latest agreement if it moved since the health was last built.
     * {@code time} is the time of what changed it (the window, the alarm's report), not of the record that
     * happened to be handled then: a reading and the board's report of the same window may come in either order,
     * and the health must say the same either way (a replay reproduces the live application's).
     */
    private DeviceHealth changed(String device, long time, DeviceHealth before,
                                 UnaryOperator<DeviceHealth.Builder> change) {
        DeviceHealth.Builder builder = change.apply(before == null
                ? DeviceHealth.newBuilder().setDeviceId(device).setOpenAlerts(List.of())
                : DeviceHealth.newBuilder(before));
        AgreementWindow.Summary agreement = agreementToPublish.remove(device);
        return (agreement == null ? builder : withAgreement(builder, agreement))
                .setUpdated(Instant.ofEpochMilli(time)).build();
    }

    private static DeviceHealth.Builder withAgreement(DeviceHealth.Builder health, AgreementWindow.Summary agreement) {
        return health.setComparedWindows(agreement.total()).setExactMatchRate(agreement.exactMatchRate())
                .setTop1AgreementRate(agreement.top1AgreementRate()).setMaxAbsDiffLsb(agreement.maxAbsDiffLsb());
    }

    /** A health's last seq, -1 before the first. */
    private static long lastSeq(Long seq) {
        return seq == null ? -1 : seq;
    }

    private static boolean mattersChanged(DeviceHealth before, DeviceHealth after) {
        return heartbeat(before.getLastSeq()) != heartbeat(after.getLastSeq())
                || !Objects.equals(before.getLabel(), after.getLabel())
                || !before.getOpenAlerts().equals(after.getOpenAlerts())
                || !Objects.equals(before.getDiagnosis(), after.getDiagnosis())
                || !Objects.equals(before.getModelId(), after.getModelId())
                || !before.getEpisodes().equals(after.getEpisodes());
    }

    /** Which heartbeat period a seq falls in; -1 before the first. */
    private static long heartbeat(Long seq) {
        return seq == null ? -1 : seq / HEALTH_HEARTBEAT_WINDOWS;
    }

    /** Keeps the prediction's window for matching the board's inferences. */
    private RecentReferences remember(String device, Prediction prediction) {
        ByteBuffer out = prediction.getNetOut().duplicate();
        byte[] netOut = new byte[out.remaining()];
        out.get(netOut);
        return referenceWindows.add(device, new Reference(prediction.getWindowEndSeq(), prediction.getInputCrc32(),
                netOut));
    }
}

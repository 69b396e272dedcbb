package io.flatline.deploy.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.app.FlatlineStreams;
import io.flatline.streams.app.StreamsSettings;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.config.ModelSpec;
import io.flatline.streams.infer.FleetModels;
import io.flatline.streams.topology.Period;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Re-runs the topology over the input topics, under its own application id and into its own suffixed output
 * topics, and stops once it has read and committed what existed when it began. It reads every record the topics
 * still hold, so that its results from {@code --from} on are the live application's, and writes those only. The
 * live application shares nothing with it but the input topics it reads.
 */
public final class Replay {

    /**
     * @param suffix       names the replay: its application id and its output topics end with it
     * @param modelOverride another {@code .tflite} to run instead of the config's (a new model version)
     * @param properties   Kafka client properties and Flatline's topic names, as the live application has them
     */
    public record Request(Path modelConfig, String bootstrapServers, Map<String, String> properties, Instant from,
                          Optional<Instant> to, Optional<Path> modelOverride, String suffix) {
        public Request {
            properties = Map.copyOf(properties);
            if (!suffix.matches("[a-zA-Z0-9._-]{1,60}")) {
                throw new IllegalArgumentException("--suffix must be 1 to 60 letters, digits, '.', '_' or '-', got '"
                        + suffix + "'");
            }
            if (to.isPresent() && !to.get().isAfter(from)) {
                throw new IllegalArgumentException("--to (" + to.get() + ") must be after --from (" + from + ")");
            }
        }

        public String applicationId() {
            return "flatline-replay-" + suffix;
        }
    }

    /**
     * What came out of a replay.
     *
     * @param notes what the user should know of the input it read: partitions whose history the topic's retention
     *              had already cut when the replay began
     */
    public record Result(long records, Topics outputs, KafkaStreams.State finalState, List<String> notes) {
        public Result {
            notes = List.copyOf(notes);
        }
    }

    /** How long a replay may show no progress before it is given up; long enough for a slow rebalance. */
    static final Duration STALL = Duration.ofMinutes(2);
    /**
     * After this long without progress, the replay looks at what is left: transaction markers and aborted records
     * are offsets with nothing to process, and records deleted by retention will never come.
     */
    static final Duration QUIET = Duration.ofSeconds(5);

    private Replay() {
    }

    public static Result run(Request request, Consumer<Progress> progress) throws Exception {
        ModelConfig live = ModelConfig.load(request.modelConfig());
        ModelConfig config = request.modelOverride().map(file -> withModel(live, file)).orElse(live);
        Topics liveTopics = new StreamsSettings(request.modelConfig(), request.bootstrapServers(), request.properties(),
                Optional.empty()).topics();
        Map<String, String> props = new HashMap<>(request.properties());
        props.putAll(outputNames(liveTopics, request.suffix()));
        props.put("application.id", request.applicationId());
        // Offsets are placed with the admin client before the application starts, which the classic protocol allows.
        props.put("group.protocol", "classic");
        props.putIfAbsent("state.dir", Files.createTempDirectory("flatline-replay-").toString());
        props.put(StreamsSettings.DEAD_LETTER_TOPIC, StreamsSettings.DEFAULT_DEAD_LETTER_TOPIC + "." + request.suffix());
        // A replay runs the models it started with: history is re-run with one config, whatever the files do.
        props.put(StreamsSettings.MODELS_RELOAD_INTERVAL, "0");
        StreamsSettings settings = new StreamsSettings(request.modelConfig(), request.bootstrapServers(), props,
                Optional.empty(), new Period(Optional.of(request.from()), request.to()));

        ReplayPlan plan;
        try (Admin admin = Admin.create(adminProperties(request))) {
            refuseIfUsed(admin, request.applicationId());
            List<String> inputs = List.of(liveTopics.sensorReadings().name(), liveTopics.boardInferences().name());
            plan = plan(admin, inputs);
            ReplayOutputs.create(admin, settings.topics(), plan.start().size() / inputs.size());
            Map<TopicPartition, OffsetAndMetadata> starts = plan.start().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())));
            admin.alterConsumerGroupOffsets(request.applicationId(), starts).all().get(30, TimeUnit.SECONDS);
        }

        try (FlatlineStreams app = FlatlineStreams.start(settings, FleetModels.load(config));
             Admin admin = Admin.create(adminProperties(request))) {
            Map<TopicPartition, Long> committed = plan.start();
            long lastDone = -1;
            long lastMove = System.nanoTime();
            long lastLook = lastMove;
            while (true) {
                Map<TopicPartition, Long> before = committed;
                committed = committed(admin, request.applicationId());
                long done = plan.done(committed);
                progress.accept(new Progress(done, plan.total()));
                if (plan.caughtUp(committed)) {
                    return new Result(plan.total(), settings.topics(), app.streams().state(), plan.notes());
                }
                if (app.stopped().isDone()) {
                    throw new IllegalStateException("the replay's Kafka Streams application stopped ("
                            + app.stopped().get() + ") before it caught up; see the log above");
                }
                plan.refuseIfDeleted(before, earliest(admin, plan));
                long now = System.nanoTime();
                if (done != lastDone) {
                    lastDone = done;
                    lastMove = now;
                    lastLook = now;
                } else if (now - lastLook > QUIET.toNanos()) {
                    // Once per quiet spell, not on every turn: it reads the partitions' rest with a consumer.
                    lastLook = now;
                    if (ReplayOutputs.nothingLeftToRead(adminProperties(request), plan, committed)) {
                        // What is left up to the end offsets are transaction markers or aborted records.
                        progress.accept(new Progress(plan.total(), plan.total()));
                        return new Result(plan.total(), settings.topics(), app.streams().state(), plan.notes());
                    }
                }
                if (now - lastMove > STALL.toNanos()) {
                    throw new IllegalStateException("the replay made no progress for " + STALL.toSeconds()
                            + " s at " + done + " of " + plan.total() + " records (application "
                            + app.streams().state() + "); behind: " + plan.behind(committed));
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
    }

    /** Where a replay is: records read out of the total. */
    public record Progress(long done, long total) {
        public double fraction() {
            return total == 0 ? 1 : (double) done / total;
        }
    }

    private static Map<TopicPartition, Long> earliest(Admin admin, ReplayPlan plan) throws Exception {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        plan.start().keySet().forEach(tp -> specs.put(tp, OffsetSpec.earliest()));
        return offsets(admin, specs);
    }

    /**
     * Every input record the topics still hold, up to their ends now. A replay reads from the first so that each
     * device's window, stride, detectors and alarms stand where the live application's stood when {@code --from}
     * comes; results before it are computed but not written ({@link Period}).
     */
    static ReplayPlan plan(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> atStart = new HashMap<>();
        Map<TopicPartition, OffsetSpec> atEnd = new HashMap<>();
        Map<String, TopicDescription> described;
        try {
            described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalArgumentException("an input topic to replay does not exist (" + String.join(", ",
                        topics) + "); check --bootstrap-servers and the flatline.topic.* properties");
            }
            throw e;
        }
        described.forEach((name, d) ->
                d.partitions().forEach(p -> {
                    TopicPartition tp = new TopicPartition(name, p.partition());
                    atStart.put(tp, OffsetSpec.earliest());
                    atEnd.put(tp, OffsetSpec.latest());
                }));
        return new ReplayPlan(offsets(admin, atStart), offsets(admin, atEnd));
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Map<TopicPartition, OffsetSpec> specs)
            throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private static void refuseIfUsed(Admin admin, String group) throws Exception {
        Set<String> groups = admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
                .map(g -> g.groupId()).collect(Collectors.toSet());
        if (groups.contains(group)) {
            throw new IllegalArgumentException("a replay named '" + group.substring("flatline-replay-".length())
                    + "' already ran (consumer group " + group + " exists); pick another --suffix, or delete that"
                    + " group and its output topics first");
        }
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .forEach((tp, om) -> {
                    if (om != null) {
                        out.put(tp, om.offset());
                    }
                });
        return out;
    }

    /** The replay writes each output topic under the live name with the suffix appended. */
    static Map<String, String> outputNames(Topics live, String suffix) {
        Map<String, String> names = new HashMap<>();
        for (Topic<String, ?> t : List.of(live.predictions(), live.boardComparisons(), live.alerts(), live.deviceHealth())) {
            names.put(Topics.TOPIC_PREFIX + t.id(), t.name() + "." + suffix);
        }
        return names;
    }

    private static ModelConfig withModel(ModelConfig config, Path model) {
        ModelSpec d = config.defaultModel();
        return config.withModel(new ModelSpec(d.name(), d.section(), model.toAbsolutePath(), d.kernels(), d.labels(),
                d.normalization(), d.window()));
    }

    private static Map<String, Object> adminProperties(Request request) {
        Map<String, Object> props = new HashMap<>();
        request.properties().forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                props.put(k, v);
            }
        });
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, request.bootstrapServers());
        return props;
    }

}

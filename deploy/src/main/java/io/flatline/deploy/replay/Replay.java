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
import io.flatline.streams.infer.EngineReferenceModel;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Re-runs the topology over a past period of the input topics, under its own application id and into its own
 * suffixed output topics, and stops once it has read what existed when it began. The live application shares
 * nothing with it but the input topics it reads.
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

    /** What came out of a replay. */
    public record Result(long records, Topics outputs, KafkaStreams.State finalState) {
    }

    /** How long a replay may show no progress before it is given up; long enough for a slow rebalance. */
    static final Duration STALL = Duration.ofMinutes(5);

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

        ReplayPlan plan;
        try (Admin admin = Admin.create(adminProperties(request))) {
            refuseIfUsed(admin, request.applicationId());
            List<String> inputs = List.of(liveTopics.sensorReadings().name(), liveTopics.boardInferences().name());
            plan = plan(admin, inputs, request.from());
            Map<TopicPartition, OffsetAndMetadata> starts = plan.start().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())));
            admin.alterConsumerGroupOffsets(request.applicationId(), starts).all().get(30, TimeUnit.SECONDS);
        }

        StreamsSettings settings = new StreamsSettings(request.modelConfig(), request.bootstrapServers(), props,
                Optional.empty(), request.to());
        try (FlatlineStreams app = FlatlineStreams.start(settings, config, EngineReferenceModel.load(config));
             Admin admin = Admin.create(adminProperties(request))) {
            long lastDone = -1;
            long lastMove = System.nanoTime();
            while (true) {
                Map<TopicPartition, Long> committed = committed(admin, request.applicationId());
                long done = plan.done(committed);
                progress.accept(new Progress(done, plan.total()));
                if (plan.caughtUp(committed)) {
                    return new Result(plan.total(), settings.topics(), app.streams().state());
                }
                if (app.stopped().isDone()) {
                    throw new IllegalStateException("the replay's Kafka Streams application stopped ("
                            + app.stopped().get() + ") before it caught up; see the log above");
                }
                if (done != lastDone) {
                    lastDone = done;
                    lastMove = System.nanoTime();
                } else if (System.nanoTime() - lastMove > STALL.toNanos()) {
                    throw new IllegalStateException("the replay made no progress for " + STALL.toMinutes()
                            + " minutes at " + done + " of " + plan.total() + " records");
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

    static ReplayPlan plan(Admin admin, List<String> topics, Instant from) throws Exception {
        Map<String, org.apache.kafka.clients.admin.TopicDescription> described =
                admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> atStart = new HashMap<>();
        Map<TopicPartition, OffsetSpec> atEnd = new HashMap<>();
        described.forEach((name, d) -> d.partitions().forEach(p -> {
            TopicPartition tp = new TopicPartition(name, p.partition());
            atStart.put(tp, OffsetSpec.forTimestamp(from.toEpochMilli()));
            atEnd.put(tp, OffsetSpec.latest());
        }));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(atEnd).all()
                .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(atStart).all()
                .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> start = new HashMap<>();
        Map<TopicPartition, Long> end = new HashMap<>();
        ends.forEach((tp, info) -> {
            end.put(tp, info.offset());
            long first = starts.get(tp).offset();
            // No record at or after the start time: nothing to read in that partition.
            start.put(tp, first < 0 ? info.offset() : Math.min(first, info.offset()));
        });
        return new ReplayPlan(start, end);
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
        return new ModelConfig(model.toAbsolutePath(), config.kernels(), config.labels(), config.normalization(),
                config.window(), config.detector(), config.comparison(), config.alarm());
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

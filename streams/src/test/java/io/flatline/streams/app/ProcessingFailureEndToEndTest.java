package io.flatline.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.flatline.broker.KafkaCluster;
import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.EngineReferenceModel;
import io.flatline.streams.infer.ReferenceModel;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record whose processing fails (not one that cannot be read) goes to the dead-letter topic through a real broker,
 * with the reason in its headers; none of the monitor's effects for it are written, the application keeps running,
 * and the device goes on from the state before it.
 */
@ExtendWith(KafkaClusterExtension.class)
class ProcessingFailureEndToEndTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void aRecordThatFailsInTheMonitorGoesToTheDeadLetterTopicWithTheReason(KafkaCluster kafka) throws Exception {
        StreamsFixture fixture = new StreamsFixture(kafka, dir, StreamsFixture.defaultConfig());
        ModelConfig config = ModelConfig.load(fixture.configFile);
        Map<String, String> props = fixture.instance("a");
        StreamsSettings settings = new StreamsSettings(fixture.configFile, kafka.bootstrapServers(), props,
                Optional.empty());
        FlatlineStreams app = FlatlineStreams.start(settings, config,
                new SaturatedModel(EngineReferenceModel.load(config.defaultModel())));
        closing.add(app);
        app.awaitRunning(Duration.ofSeconds(60));
        Topics topics = settings.topics();
        List<Prediction> predictions = new CopyOnWriteArrayList<>();
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        closing.add(fixture.collect(topics.predictions(), predictions));
        closing.add(fixture.collect(topics.alerts(), alerts));
        List<ConsumerRecord<byte[], byte[]>> deadLetters = new CopyOnWriteArrayList<>();
        closing.add(fixture.collectRecords(props.get(StreamsSettings.DEAD_LETTER_TOPIC), deadLetters));

        // Windows from 50 on, all the same output over changing inputs: the stuck run of 20 raises at window 69,
        // whose evidence fails.
        int readings = 80;
        fixture.sendReadings(List.of("press 1"), 1, readings, 3);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(predictions).hasSize(readings - StreamsFixture.STEPS + 1);
            assertThat(deadLetters).hasSize(1);
            assertThat(alerts).isNotEmpty();
        });
        ConsumerRecord<byte[], byte[]> dead = deadLetters.get(0);
        SensorReading failed = topics.sensorReadings().valueDeserializer().deserialize(topics.sensorReadings().name(),
                dead.value());
        assertThat(failed.getSeq()).isEqualTo(69);
        assertThat(header(dead, "__streams.errors.exception")).isEqualTo(IllegalStateException.class.getName());
        assertThat(header(dead, "__streams.errors.message")).isEqualTo(SaturatedModel.FAILURE);
        assertThat(header(dead, "__streams.errors.topic")).isEqualTo(topics.sensorReadings().name());
        // The alarm is raised once, by the next window, as if window 69 had never reached the monitor.
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo(AlertKind.STUCK_OUTPUT);
            assertThat(a.getState()).isEqualTo(AlertState.RAISED);
            assertThat(a.getFirstSeq()).isEqualTo(50);
            assertThat(a.getRunLength()).isEqualTo(21);
        });
        assertThat(app.counters().snapshot()).containsEntry("records_failed", 1L);
        assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /**
     * The seed model as a saturated one: the same output for every window. Gathering the evidence for its first
     * alarm fails, as a bug in tracing the layers would.
     */
    private static final class SaturatedModel implements ReferenceModel {
        static final String FAILURE = "the layers could not be traced";

        private final ReferenceModel model;
        private final AtomicBoolean failed = new AtomicBoolean();

        SaturatedModel(ReferenceModel model) {
            this.model = model;
        }

        @Override
        public String modelId() {
            return model.modelId();
        }

        @Override
        public int timeSteps() {
            return model.timeSteps();
        }

        @Override
        public int channels() {
            return model.channels();
        }

        @Override
        public int outputs() {
            return model.outputs();
        }

        @Override
        public float inputScale() {
            return model.inputScale();
        }

        @Override
        public int inputZeroPoint() {
            return model.inputZeroPoint();
        }

        @Override
        public float outputScale() {
            return model.outputScale();
        }

        @Override
        public int outputZeroPoint() {
            return model.outputZeroPoint();
        }

        @Override
        public Runners newRunners() {
            return () -> (window, newRows) -> new byte[model.outputs()];
        }

        @Override
        public String saturationEvidence(byte[] previousWindow, byte[] window) {
            if (!failed.getAndSet(true)) {
                throw new IllegalStateException(FAILURE);
            }
            return "every layer constant";
        }
    }
}

package io.flatline.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSource;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.Diagnosis;
import io.flatline.schemas.topic.Topic;
import io.flatline.simulator.fleet.Fault;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * The demo as a user runs it, for a bounded time: within a minute each fault in the simulated fleet has raised
 * its alert with the right diagnosis, read back from the alerts topics, and no healthy board has raised any.
 */
class DemoTest {

    @Test
    void everyFaultIsFlaggedWithItsDiagnosisWithinAMinuteAndNoHealthyBoardIs() throws Exception {
        List<Fault> faults = List.of(Fault.NPU_STUCK, Fault.PREPROCESSING_MISMATCH, Fault.SATURATED_MODEL,
                Fault.SENSOR_STALE, Fault.INTERMITTENT);
        DemoStack.Options options = new DemoStack.Options(freePort(), Optional.empty(), 7, faults, 1,
                Optional.of(new InetSocketAddress("127.0.0.1", 0)));
        List<String> lines = new CopyOnWriteArrayList<>();
        try (DemoStack demo = DemoStack.start(options, lines::add, lines::add)) {
            assertThat(demo.alertTopics()).as("one pipeline for both models: every alarm in flatline.alerts")
                    .extracting(Topic::name).containsExactly("flatline.alerts");
            List<Alert> alerts = new CopyOnWriteArrayList<>();
            List<Thread> readers = new ArrayList<>();
            for (Topic<String, Alert> topic : demo.alertTopics()) {
                readers.add(read(demo.bootstrapServers(), topic, alerts));
            }
            Map<String, String> fault = demo.faults();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(raised(alerts, fault, "npu-stuck")).anySatisfy(a -> is(a, AlertKind.STUCK_OUTPUT,
                        AlertSource.BOARD, Diagnosis.BOARD_RUNTIME));
                assertThat(raised(alerts, fault, "preprocessing-mismatch")).anySatisfy(a -> is(a,
                        AlertKind.INPUT_MISMATCH, AlertSource.BOARD, Diagnosis.PREPROCESSING_MISMATCH));
                assertThat(raised(alerts, fault, "saturated-model")).anySatisfy(a -> is(a, AlertKind.STUCK_OUTPUT,
                        AlertSource.BOARD, Diagnosis.MODEL_SATURATION));
                assertThat(raised(alerts, fault, "saturated-model")).anySatisfy(a -> is(a, AlertKind.STUCK_OUTPUT,
                        AlertSource.REFERENCE, Diagnosis.MODEL_SATURATION));
                assertThat(raised(alerts, fault, "sensor-stale")).isNotEmpty()
                        .allSatisfy(a -> assertThat(a.getKind()).isEqualTo(AlertKind.SENSOR_STALE));
                assertThat(raised(alerts, fault, "intermittent")).anySatisfy(a -> is(a, AlertKind.STUCK_OUTPUT,
                        AlertSource.BOARD, Diagnosis.BOARD_RUNTIME));
            });
            assertThat(raised(alerts, fault, "healthy")).isEmpty();
            // No chattering: within the test's minute the intermittent board goes through three or four cycles,
            // and every alarm is still raised once.
            Map<String, Long> raises = alerts.stream().filter(a -> a.getState() == AlertState.RAISED).collect(
                    java.util.stream.Collectors.groupingBy(a -> a.getDeviceId() + " " + a.getSource() + "/"
                            + a.getKind(), java.util.stream.Collectors.counting()));
            assertThat(raises).allSatisfy((alarm, count) -> assertThat(count).as(alarm).isEqualTo(1));
            // Every alarm belongs to a root-cause episode, and the one to act on carries the right diagnosis.
            assertThat(alerts).allSatisfy(a -> assertThat(a.getEpisodeId()).startsWith(a.getDeviceId() + "#"));
            Map<String, Diagnosis> expected = Map.of("npu-stuck", Diagnosis.BOARD_RUNTIME, "preprocessing-mismatch",
                    Diagnosis.PREPROCESSING_MISMATCH, "saturated-model", Diagnosis.MODEL_SATURATION, "intermittent",
                    Diagnosis.BOARD_RUNTIME);
            expected.forEach((f, diagnosis) -> assertThat(raised(alerts, fault, f)).filteredOn(Alert::getFirstOut)
                    .as(f).isNotEmpty().allSatisfy(a -> assertThat(a.getDiagnosis()).isEqualTo(diagnosis)));
            // The view shows what the topics said.
            assertThat(demo.view().render(java.time.Instant.now(), 200)).contains("npu-stuck")
                    .contains("BOARD_RUNTIME: BOARD/").contains("root cause");
            readers.forEach(Thread::interrupt);
        }
    }

    private static void is(Alert a, AlertKind kind, AlertSource source, Diagnosis diagnosis) {
        assertThat(a.getKind()).isEqualTo(kind);
        assertThat(a.getSource()).isEqualTo(source);
        assertThat(a.getDiagnosis()).isEqualTo(diagnosis);
    }

    private static List<Alert> raised(List<Alert> alerts, Map<String, String> faults, String fault) {
        return alerts.stream().filter(a -> a.getState() == AlertState.RAISED)
                .filter(a -> fault.equals(faults.get(a.getDeviceId()))).toList();
    }

    private static Thread read(String bootstrap, Topic<String, Alert> topic, List<Alert> into) {
        Thread t = new Thread(() -> {
            try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "demo-test-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    topic.keyDeserializer(), topic.valueDeserializer())) {
                consumer.subscribe(List.of(topic.name()));
                while (!Thread.currentThread().isInterrupted()) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> into.add(r.value()));
                }
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                // Asked to stop.
            }
        }, "demo-test-" + topic.id());
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

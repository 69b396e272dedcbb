package io.flatline.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.flatline.broker.KafkaCluster;
import io.flatline.schemas.SampleRecords;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a service of another team sees: Flatline writes every topic in the Confluent wire format through a real
 * broker and registry, and consumers built only from other people's libraries read it: Apicurio's serdes (from
 * Maven Central) and Debian's python3-confluent-kafka.
 */
@ExtendWith({KafkaClusterExtension.class, SchemaRegistryExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtherServicesReadTheTopicsTest {

    private static final List<String> DEVICES = List.of("press-01", "lathe-02");
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private final Map<String, String> config = new HashMap<>();
    /** What was sent, by topic name: each record and the bytes Flatline wrote for it. */
    private final Map<String, List<Sent>> sent = new LinkedHashMap<>();

    @BeforeAll
    void writeEveryTopic(KafkaCluster kafka, ApicurioRegistry registry) throws Exception {
        config.putAll(registry.confluentProperties());
        for (String id : Topics.ids()) {
            config.put(Topics.TOPIC_PREFIX + id, KafkaClusterExtension.uniqueName(id));
        }
        for (Topic<String, ?> topic : Topics.fromConfig(config).all()) {
            kafka.createTopic(topic.name(), 2);
            topic.registerValueSchema();
            send(kafka, topic);
        }
    }

    @SuppressWarnings("unchecked")
    private <V> void send(KafkaCluster kafka, Topic<String, V> topic) throws Exception {
        List<Sent> records = new ArrayList<>();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                topic.keySerializer(), topic.valueSerializer())) {
            for (String device : DEVICES) {
                V record = (V) SampleRecords.oneOfEach(device).get(Topics.ids().indexOf(topic.id()));
                producer.send(new ProducerRecord<>(topic.name(), device, record)).get();
                records.add(new Sent(device, topic.valueSerializer().serialize(topic.name(), record)));
            }
        }
        sent.put(topic.name(), records);
    }

    @Test
    void apicuriosDeserializerReadsEveryTopicWithNoFlatlineCode(KafkaCluster kafka, ApicurioRegistry registry)
            throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaClusterExtension.uniqueName("apicurio"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class.getName());
        props.put("apicurio.registry.url", registry.nativeUrl());

        Map<String, List<GenericRecord>> received = new HashMap<>();
        try (KafkaConsumer<String, GenericRecord> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.copyOf(sent.keySet()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (count(received) < sent.size() * DEVICES.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, GenericRecord> record : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(record.value().get("deviceId").toString()).isEqualTo(record.key());
                    received.computeIfAbsent(record.topic(), t -> new ArrayList<>()).add(record.value());
                }
            }
        }

        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
        for (var topic : sent.entrySet()) {
            for (Sent record : topic.getValue()) {
                GenericRecord theirs = received.get(topic.getKey()).stream()
                        .filter(r -> r.get("deviceId").toString().equals(record.device)).findFirst().orElseThrow();
                // Their reading, written back as an Avro datum, is exactly the datum Flatline wrote.
                assertThat(datum(theirs)).as("%s of %s", topic.getKey(), record.device)
                        .isEqualTo(Arrays.copyOfRange(record.bytes, 5, record.bytes.length));
            }
        }
    }

    @Test
    void debiansPythonConfluentKafkaReadsThemToo(KafkaCluster kafka, ApicurioRegistry registry) throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "no " + PYTHON + " here");
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import confluent_kafka.avro, requests").redirectErrorStream(true)
                .start();
        probe.getInputStream().readAllBytes();
        assumeTrue(probe.waitFor() == 0, "Debian's python3-confluent-kafka is not installed"
                + " (apt-get install python3-confluent-kafka python3-avro python3-requests)");
        String readings = config.get(Topics.TOPIC_PREFIX + "sensor-readings");
        String alerts = config.get(Topics.TOPIC_PREFIX + "alerts");
        Process python = new ProcessBuilder(PYTHON.toString(), "src/test/python/read_confluent_topic.py",
                kafka.bootstrapServers(), registry.url(), readings + "," + alerts, "4", "60")
                .redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes());
        assertThat(python.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(output).isZero();

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : output.strip().split("\n")) {
            lines.add(json.readTree(line));
        }
        assertThat(lines.get(0).get("deserializer").asText()).as(output).startsWith("confluent_kafka.");
        List<JsonNode> values = lines.subList(1, lines.size());
        assertThat(values).hasSize(4);
        for (JsonNode line : values) {
            JsonNode value = line.get("value");
            assertThat(value.get("deviceId").asText()).isEqualTo(line.get("key").asText());
            if (line.get("topic").asText().equals(readings)) {
                assertThat(value.get("seq").asLong()).isEqualTo(7);
                assertThat(value.get("values").get(0).asDouble()).isEqualTo(0.5);
                assertThat(value.get("quality").asText()).isEqualTo("GOOD");
            } else {
                assertThat(value.get("kind").asText()).isEqualTo("STUCK_OUTPUT");
                assertThat(value.get("evidence").asText()).startsWith("inputs match the reference");
            }
        }
    }

    private static int count(Map<String, List<GenericRecord>> received) {
        return received.values().stream().mapToInt(List::size).sum();
    }

    private static byte[] datum(GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private record Sent(String device, byte[] bytes) {
    }
}

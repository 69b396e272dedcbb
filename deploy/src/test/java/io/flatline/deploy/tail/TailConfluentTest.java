package io.flatline.deploy.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.flatline.broker.KafkaCluster;
import io.flatline.deploy.cli.Flatline;
import io.flatline.schemas.SampleRecords;
import io.flatline.schemas.SensorReading;
import io.flatline.schemas.registry.ApicurioRegistry;
import io.flatline.schemas.registry.SchemaRegistryExtension;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import io.flatline.testkit.KafkaClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** {@code flatline tail} on a topic that holds both wire formats, as during a migration to a schema registry. */
@ExtendWith({KafkaClusterExtension.class, SchemaRegistryExtension.class})
class TailConfluentTest {

    @Test
    void printsRecordsOfBothFormatsWithARegistryAndSaysWhatIsMissingWithout(KafkaCluster kafka,
            ApicurioRegistry registry) throws Exception {
        String name = KafkaClusterExtension.uniqueName("tail-mixed");
        String property = Topics.TOPIC_PREFIX + "sensor-readings=" + name;
        kafka.createTopic(name, 1);
        Topic<String, SensorReading> singleObject = Topics.defaults().sensorReadings();
        Topic<String, SensorReading> confluent = Topics.fromConfig(registry.confluentProperties()).sensorReadings();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(name, "press-01".getBytes(), singleObject.valueSerializer()
                    .serialize(name, SampleRecords.sensorReading("press-01", 1)))).get();
            producer.send(new ProducerRecord<>(name, "press-01".getBytes(), confluent.valueSerializer()
                    .serialize(name, SampleRecords.sensorReading("press-01", 2)))).get();
        }

        Run withRegistry = tail(kafka, "--property", property, "--property", "schema.registry.url=" + registry.url());
        assertThat(withRegistry.exit).as(withRegistry.err).isZero();
        assertThat(withRegistry.out.strip().split("\n")).hasSize(2)
                .anySatisfy(line -> assertThat(line).contains("\"seq\":1"))
                .anySatisfy(line -> assertThat(line).contains("\"seq\":2"));

        Run without = tail(kafka, "--property", property);
        assertThat(without.exit).isEqualTo(1);
        assertThat(without.out.strip().split("\n")).singleElement().satisfies(l -> assertThat(l).contains("\"seq\":1"));
        assertThat(without.err).contains("offset 1").contains("Confluent wire format").contains("schema.registry.url");
    }

    private static Run tail(KafkaCluster kafka, String... properties) {
        List<String> args = new ArrayList<>(List.of("tail", "sensor-readings", "--from-beginning", "--idle-timeout",
                "3s", "--bootstrap-servers", kafka.bootstrapServers()));
        args.addAll(List.of(properties));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Flatline.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private record Run(int exit, String out, String err) {
    }
}

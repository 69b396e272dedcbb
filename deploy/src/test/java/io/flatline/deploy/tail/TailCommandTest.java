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

@ExtendWith(KafkaClusterExtension.class)
class TailCommandTest {

    @Test
    void printsEveryRecordTypeAsJsonLinesAndReportsBrokenRecords(KafkaCluster kafka) throws Exception {
        String prefix = KafkaClusterExtension.uniqueName("tail");
        List<String> props = new ArrayList<>();
        for (String id : Topics.ids()) {
            props.add("--property");
            props.add(Topics.TOPIC_PREFIX + id + "=" + prefix + "." + id);
        }
        Topics topics = Topics.fromConfig(Map.of(Topics.TOPIC_PREFIX + "alerts", prefix + ".alerts"));
        List<Object> samples = new ArrayList<>(SampleRecords.oneOfEach("press-07"));
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < Topics.ids().size(); i++) {
                String name = prefix + "." + Topics.ids().get(i);
                kafka.createTopic(name, 1);
                @SuppressWarnings("unchecked")
                Topic<String, Object> topic = (Topic<String, Object>) topics.all().get(i);
                producer.send(new ProducerRecord<>(name, "press-07".getBytes(),
                        topic.valueSerializer().serialize(name, samples.get(i)))).get();
            }
            producer.send(new ProducerRecord<>(prefix + ".alerts", "x".getBytes(), "not avro".getBytes())).get();
        }

        for (String id : Topics.ids()) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            List<String> args = new ArrayList<>(List.of("tail", id, "--from-beginning", "--idle-timeout", "3s",
                    "--bootstrap-servers", kafka.bootstrapServers()));
            args.addAll(props);
            CommandLine cmd = Flatline.commandLine();
            cmd.setOut(new PrintWriter(out, true));
            cmd.setErr(new PrintWriter(err, true));
            int exit = cmd.execute(args.toArray(String[]::new));

            String[] lines = out.toString().strip().split("\n");
            assertThat(lines).as(id).hasSize(1);
            assertThat(lines[0]).startsWith("{\"deviceId\":\"press-07\"");
            if (id.equals("alerts")) {
                assertThat(exit).isEqualTo(1);
                assertThat(err.toString()).contains("offset 1").contains("is not Avro single-object encoding");
                assertThat(lines[0]).contains("\"kind\":\"STUCK_OUTPUT\"").contains("\"diagnosis\":\"BOARD_RUNTIME\"");
            } else {
                assertThat(exit).as(err.toString()).isZero();
            }
        }
    }

    @Test
    void refusesATopicThatIsNotFlatlines() {
        StringWriter err = new StringWriter();
        CommandLine cmd = Flatline.commandLine();
        cmd.setErr(new PrintWriter(err, true));
        assertThat(cmd.execute("tail", "orders")).isEqualTo(2);
        assertThat(err.toString()).contains("'orders' is no Flatline topic; the topics are sensor-readings");
    }
}

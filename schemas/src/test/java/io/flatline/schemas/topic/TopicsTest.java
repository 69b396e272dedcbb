package io.flatline.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.flatline.schemas.SampleRecords;
import io.flatline.schemas.SensorReading;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void hasTheDesignedDefaultNames() {
        assertThat(Topics.defaults().all()).extracting(Topic::name).containsExactly(
                "flatline.sensor-readings", "flatline.board-inferences", "flatline.predictions",
                "flatline.board-comparisons", "flatline.alerts", "flatline.device-health");
        assertThat(Topics.defaults().all()).filteredOn(Topic::compacted).extracting(Topic::id)
                .containsExactly("device-health");
    }

    @Test
    void takesNamesFromConfiguration() {
        Topics topics = Topics.fromConfig(Map.of("flatline.topic.sensor-readings", "plant7.readings",
                "bootstrap.servers", "ignored:9092"));
        assertThat(topics.sensorReadings().name()).isEqualTo("plant7.readings");
        assertThat(topics.predictions().name()).isEqualTo("flatline.predictions");
    }

    @Test
    void refusesAnUnknownTopicId() {
        assertThatThrownBy(() -> Topics.fromConfig(Map.of("flatline.topic.sensor-reading", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("flatline.topic.sensor-reading")
                .hasMessageContaining("no Flatline topic has the id 'sensor-reading'");
    }

    @Test
    void refusesAnIllegalTopicName() {
        assertThatThrownBy(() -> Topics.fromConfig(Map.of("flatline.topic.alerts", "my alerts")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("flatline.topic.alerts");
    }

    @Test
    void refusesASerdeFactoryThatIsNotOne() {
        assertThatThrownBy(() -> Topics.fromConfig(Map.of(Topics.SERDE_FACTORY, "java.lang.String")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not implement io.flatline.schemas.serde.ValueSerdeFactory");
    }

    @Test
    void serdesMatchTheRecordType() {
        Topic<String, SensorReading> topic = Topics.defaults().sensorReadings();
        SensorReading reading = SampleRecords.sensorReading("d", 3);
        byte[] bytes = topic.valueSerializer().serialize(topic.name(), reading);
        assertThat(topic.valueDeserializer().deserialize(topic.name(), bytes)).isEqualTo(reading);
        assertThat(topic.keyDeserializer().deserialize(topic.name(),
                topic.keySerializer().serialize(topic.name(), "press-07"))).isEqualTo("press-07");
    }
}

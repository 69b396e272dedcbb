package io.flatline.streams.topology;

import java.util.Map;

import io.flatline.schemas.Alert;
import io.flatline.schemas.BoardComparison;
import io.flatline.schemas.DeviceHealth;
import io.flatline.schemas.Prediction;
import io.flatline.schemas.topic.Topic;
import io.flatline.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * Where each of the topology's outputs goes, and how it is written: the topic and the serializer of its record
 * type. Lets one sink write every output, each to the topic its type belongs to.
 */
final class OutputRouting implements TopicNameExtractor<String, SpecificRecord>, Serializer<SpecificRecord> {

    private final Map<Class<?>, Topic<String, ?>> byType;

    OutputRouting(Topics topics) {
        this.byType = Map.of(Prediction.class, topics.predictions(), Alert.class, topics.alerts(),
                BoardComparison.class, topics.boardComparisons(), DeviceHealth.class, topics.deviceHealth());
    }

    @Override
    public String extract(String key, SpecificRecord value, RecordContext recordContext) {
        return topicOf(value).name();
    }

    @Override
    @SuppressWarnings("unchecked")
    public byte[] serialize(String topic, SpecificRecord value) {
        return value == null ? null
                : ((Serializer<SpecificRecord>) topicOf(value).valueSerializer()).serialize(topic, value);
    }

    private Topic<String, ?> topicOf(SpecificRecord value) {
        Topic<String, ?> topic = byType.get(value.getClass());
        if (topic == null) {
            throw new SerializationException("Flatline writes no " + value.getClass().getSimpleName() + " records");
        }
        return topic;
    }
}

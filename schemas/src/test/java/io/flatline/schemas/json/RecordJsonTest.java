package io.flatline.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.flatline.schemas.SampleRecords;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

    // A Flatline process reads its records through a serde, which allow-lists the record classes for Avro first
    // (nested records such as DeviceHealth's episodes are instantiated when a builder copies a record).
    static {
        io.flatline.schemas.topic.Topics.defaults();
    }

    @Test
    void writesTensorsAsSignedNumbersAndTimestampsAsIso() {
        assertThat(RecordJson.toJson(SampleRecords.boardInference("press-\"7\"", 3))).isEqualTo(
                "{\"deviceId\":\"press-\\\"7\\\"\",\"timestamp\":\"2026-11-24T10:15:30.123Z\",\"inferenceCount\":3,"
                        + "\"windowEndSeq\":52,\"inputCrc32\":4294967294,\"netOut\":[-128,-5,0,7,127],"
                        + "\"modelId\":\"" + "ab".repeat(32) + "\"}");
    }

    @Test
    void writesEnumsArraysAndNulls() {
        String json = RecordJson.toJson(SampleRecords.sensorReading("d", 1));
        assertThat(json).contains("\"quality\":\"GOOD\"").contains("\"values\":[0.5,-1.25,0.003,42.0,");
        assertThat(RecordJson.toJson(io.flatline.schemas.DeviceHealth.newBuilder(SampleRecords.deviceHealth("d")).setLabel(null).build()))
                .contains("\"label\":null").contains("\"openAlerts\":[\"STUCK_OUTPUT\"]");
    }
}

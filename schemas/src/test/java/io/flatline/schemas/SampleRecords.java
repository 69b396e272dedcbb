package io.flatline.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/** One fully populated record of each type, every optional field set, for round trips. */
public final class SampleRecords {

    public static final Instant T0 = Instant.parse("2026-11-24T10:15:30.123Z");

    private SampleRecords() {
    }

    public static SensorReading sensorReading(String device, long seq) {
        return SensorReading.newBuilder().setDeviceId(device).setSeq(seq).setTimestamp(T0.plusMillis(seq * 100))
                .setValues(List.of(0.5f, -1.25f, 3.0e-3f, 42f, 0f, 1f, 2f, 3f, 4f, Float.MIN_VALUE))
                .setQuality(Quality.GOOD).build();
    }

    public static BoardInference boardInference(String device, long count) {
        return BoardInference.newBuilder().setDeviceId(device).setTimestamp(T0).setInferenceCount(count)
                .setWindowEndSeq(count + 49).setInputCrc32(0xFFFF_FFFEL)
                .setNetOut(ByteBuffer.wrap(new byte[] {-128, -5, 0, 7, 127})).setModelId("ab".repeat(32)).build();
    }

    public static Prediction prediction(String device, long seq) {
        return Prediction.newBuilder().setDeviceId(device).setWindowEndSeq(seq).setTimestamp(T0)
                .setModelId("cd".repeat(32)).setInputCrc32(0x1234_5678L)
                .setNetOut(ByteBuffer.wrap(new byte[] {-128, -128, 127, -128, -128}))
                .setProbabilities(List.of(0f, 0f, 0.99609375f, 0f, 0f)).setLabel("bearing-wear").setInputLevels(37)
                .build();
    }

    public static BoardComparison boardComparison(String device, long seq) {
        return BoardComparison.newBuilder().setDeviceId(device).setWindowEndSeq(seq).setInputMatch(true)
                .setBoardNetOut(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}))
                .setReferenceNetOut(ByteBuffer.wrap(new byte[] {1, 2, 4, 4, 5})).setMaxAbsDiffLsb(1).setTop1Agree(true)
                .build();
    }

    public static Alert alert(String device) {
        return Alert.newBuilder().setDeviceId(device).setKind(AlertKind.STUCK_OUTPUT).setState(AlertState.RAISED)
                .setSource(AlertSource.BOARD).setFirstSeq(100).setLastSeq(130).setRunLength(31).setDistinctInputs(31)
                .setNetOut(ByteBuffer.wrap(new byte[] {-128, -128, 127, -128, -128}))
                .setDiagnosis(Diagnosis.BOARD_RUNTIME)
                .setEvidence("inputs match the reference (31/31 CRCs); reference output took 9 values, the board's 1")
                .setTimestamp(T0).build();
    }

    public static DeviceHealth deviceHealth(String device) {
        return DeviceHealth.newBuilder().setDeviceId(device).setUpdated(T0).setLastSeq(130L).setLabel("normal")
                .setOpenAlerts(List.of("STUCK_OUTPUT")).setDiagnosis("BOARD_RUNTIME").setComparedWindows(81)
                .setExactMatchRate(0.25).setTop1AgreementRate(0.5).setMaxAbsDiffLsb(97).build();
    }

    /** One of each record type. */
    public static List<org.apache.avro.specific.SpecificRecord> oneOfEach(String device) {
        return List.of(sensorReading(device, 7), boardInference(device, 3), prediction(device, 56),
                boardComparison(device, 56), alert(device), deviceHealth(device));
    }
}

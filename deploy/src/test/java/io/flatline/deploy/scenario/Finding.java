package io.flatline.deploy.scenario;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.Diagnosis;

/**
 * What Flatline concluded about a fault, the columns of the confusion matrix: a stale sensor (a SENSOR_STALE
 * alert, which blames neither the model nor the board), one of the diagnoses, or nothing at all.
 */
enum Finding {
    SENSOR_STALE,
    MODEL_SATURATION,
    PREPROCESSING_MISMATCH,
    BOARD_RUNTIME,
    UNKNOWN,
    MISSED;

    static Finding of(Alert alert) {
        return alert.getKind() == AlertKind.SENSOR_STALE && alert.getDiagnosis() == Diagnosis.UNKNOWN
                ? SENSOR_STALE : valueOf(alert.getDiagnosis().name());
    }
}

package io.flatline.streams.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.flatline.model.verify.Metrics;
import io.flatline.schemas.DeviceHealth;
import io.flatline.streams.alarm.DeviceAlarms;
import io.flatline.streams.compare.AgreementWindow;
import io.flatline.streams.compare.BoardMonitor;

/** How a device's state reads as JSON. */
public final class DeviceViews {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final float outputScale;
    private final int outputZeroPoint;

    /** Outputs are dequantized with the model output's scale and zero point for the validation metrics. */
    public DeviceViews(float outputScale, int outputZeroPoint) {
        this.outputScale = outputScale;
        this.outputZeroPoint = outputZeroPoint;
    }

    /** The health record as it is on the device-health topic. */
    public ObjectNode summary(DeviceHealth h) {
        ObjectNode node = JSON.createObjectNode();
        node.put("deviceId", h.getDeviceId());
        node.put("updated", h.getUpdated().toString());
        if (h.getLastSeq() != null) {
            node.put("lastSeq", h.getLastSeq());
        }
        node.put("label", h.getLabel());
        ArrayNode open = node.putArray("openAlerts");
        h.getOpenAlerts().forEach(open::add);
        node.put("diagnosis", h.getDiagnosis());
        ArrayNode episodes = node.putArray("episodes");
        h.getEpisodes().forEach(e -> {
            ObjectNode ep = episodes.addObject().put("episodeId", e.getEpisodeId()).put("diagnosis", e.getDiagnosis())
                    .put("returns", e.getReturns()).put("intermittent", e.getReturns() > 0);
            ArrayNode kinds = ep.putArray("alerts");
            e.getKinds().forEach(kinds::add);
        });
        node.put("comparedWindows", h.getComparedWindows());
        node.put("exactMatchRate", h.getExactMatchRate());
        node.put("top1AgreementRate", h.getTop1AgreementRate());
        node.put("maxAbsDiffLsb", h.getMaxAbsDiffLsb());
        return node;
    }

    /** The summary, every open alarm with its evidence, and the board's agreement with the reference. */
    public ObjectNode detailed(DeviceHealth h, BoardMonitor.State board, DeviceAlarms alarms) {
        ObjectNode node = summary(h);
        ArrayNode open = node.putArray("alarms");
        if (alarms != null) {
            alarms.open().forEach(a -> open.addObject().put("source", a.source().name()).put("kind", a.kind().name())
                    .put("severity", a.severity().name()).put("episodeId", a.episodeId()).put("firstOut", a.firstOut())
                    .put("firstSeq", a.firstSeq()).put("lastActiveSeq", a.lastActiveSeq())
                    .put("holding", a.holding()).put("returns", a.returns())
                    .put("diagnosis", a.verdict().diagnosis().name()).put("evidence", a.verdict().evidence()));
        }
        if (board != null) {
            ObjectNode b = node.putObject("board");
            b.put("pendingInferences", board.pending().size());
            b.put("joinMisses", board.joinMisses());
            agreement(b.putObject("agreement"), board.agreement());
        }
        return node;
    }

    /** The rolling agreement, with the metrics ST Edge AI's validation reports for target against reference. */
    private void agreement(ObjectNode node, AgreementWindow window) {
        AgreementWindow.Summary s = window.summary();
        node.put("windows", s.windowed());
        node.put("exactMatchRate", s.exactMatchRate());
        node.put("top1AgreementRate", s.top1AgreementRate());
        node.put("maxAbsDiffLsb", s.maxAbsDiffLsb());
        if (window.count() == 0) {
            return;
        }
        double[][] reference = new double[window.count()][];
        double[][] board = new double[window.count()][];
        for (int i = 0; i < window.count(); i++) {
            reference[i] = dequantize(window.reference(i));
            board[i] = dequantize(window.board(i));
        }
        Metrics m = Metrics.of(reference, board);
        ObjectNode st = node.putObject("validation");
        st.put("acc", m.acc());
        st.put("rmse", m.rmse());
        st.put("mae", m.mae());
        st.put("l2r", m.l2r());
        st.put("mean", m.mean());
        st.put("std", m.std());
        st.put("nse", m.nse());
        st.put("cos", m.cos());
    }

    private double[] dequantize(byte[] out) {
        double[] values = new double[out.length];
        for (int i = 0; i < out.length; i++) {
            values[i] = (out[i] - outputZeroPoint) * (double) outputScale;
        }
        return values;
    }
}

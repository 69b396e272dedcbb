package io.flatline.streams.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.flatline.schemas.DeviceHealth;
import io.flatline.streams.compare.AgreementWindow;
import io.flatline.streams.compare.BoardMonitor;

/** How a device's state reads as JSON. */
public class DeviceViews {

    private static final ObjectMapper JSON = new ObjectMapper();

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
        node.put("comparedWindows", h.getComparedWindows());
        node.put("exactMatchRate", h.getExactMatchRate());
        node.put("top1AgreementRate", h.getTop1AgreementRate());
        node.put("maxAbsDiffLsb", h.getMaxAbsDiffLsb());
        return node;
    }

    /** The summary, the board's open alerts with their evidence, and its agreement with the reference. */
    public ObjectNode detailed(DeviceHealth h, BoardMonitor.State board) {
        ObjectNode node = summary(h);
        if (board != null) {
            ObjectNode b = node.putObject("board");
            b.put("pendingInferences", board.pending().size());
            b.put("joinMisses", board.joinMisses());
            ArrayNode alerts = b.putArray("openAlerts");
            board.open().forEach(o -> alerts.addObject().put("kind", o.kind().name())
                    .put("diagnosis", o.verdict().diagnosis().name()).put("evidence", o.verdict().evidence()));
            agreement(b.putObject("agreement"), board.agreement());
        }
        return node;
    }

    protected void agreement(ObjectNode node, AgreementWindow window) {
        AgreementWindow.Summary s = window.summary();
        node.put("windows", s.windowed());
        node.put("exactMatchRate", s.exactMatchRate());
        node.put("top1AgreementRate", s.top1AgreementRate());
        node.put("maxAbsDiffLsb", s.maxAbsDiffLsb());
    }
}

package io.flatline.streams.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

import io.flatline.model.verify.Metrics;
import io.flatline.schemas.Alert;
import io.flatline.schemas.DeviceHealth;
import io.flatline.streams.alarm.DeviceAlarms;
import io.flatline.streams.compare.AgreementWindow;
import io.flatline.streams.compare.BoardMonitor;
import io.flatline.streams.infer.LayerUse;
import io.flatline.streams.infer.FleetModels;
import io.flatline.streams.infer.ReferenceModel;

/** How a device's state reads as JSON. */
public final class DeviceViews {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FleetModels models;

    /**
     * Each device's outputs are dequantized with its model output's scale and zero point for the validation
     * metrics, and plotted against its model's labels.
     */
    public DeviceViews(FleetModels models) {
        this.models = models;
    }

    private static ObjectNode describe(FleetModels.Loaded m) {
        ReferenceModel reference = m.engine();
        ObjectNode node = JSON.createObjectNode().put("name", m.name()).put("modelId", m.id())
                .put("file", m.spec().file().getFileName().toString()).put("timeSteps", reference.timeSteps())
                .put("channels", reference.channels()).put("outputs", reference.outputs())
                .put("outputScale", reference.outputScale()).put("outputZeroPoint", reference.outputZeroPoint());
        m.spec().labels().forEach(node.putArray("labels")::add);
        return node;
    }

    /** The default model, and under {@code models} every model this application runs, with their labels. */
    public ObjectNode model() {
        FleetModels.Loaded defaultModel = models.defaultModel();
        ObjectNode described = describe(defaultModel);
        ArrayNode all = described.putArray("models");
        models.all().forEach(m -> all.add(describe(m).put("default", m.id().equals(defaultModel.id()))));
        return described;
    }

    /** The model the device's reference runs: the health's, else the one the config gives it. */
    private FleetModels.Loaded modelOf(String device, String modelId) {
        return models.modelOf(device, modelId);
    }

    /** The health record as it is on the device-health topic. */
    public ObjectNode summary(DeviceHealth h) {
        ObjectNode node = JSON.createObjectNode();
        node.put("deviceId", h.getDeviceId());
        node.put("updated", h.getUpdated().toString());
        FleetModels.Loaded model = modelOf(h.getDeviceId(), h.getModelId());
        node.put("model", model.name());
        node.put("modelId", model.id());
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
            agreement(b.putObject("agreement"), board.agreement(), modelOf(h.getDeviceId(), h.getModelId()).engine());
        }
        return node;
    }

    /**
     * The board's latest comparisons, oldest first: its raw output and the reference's on the same window, one
     * value per output class, numbered by comparison since the board's first.
     */
    public ObjectNode outputs(String device, String modelId, BoardMonitor.State board) {
        FleetModels.Loaded model = modelOf(device, modelId);
        ObjectNode node = JSON.createObjectNode().put("deviceId", device).put("model", model.name());
        model.spec().labels().forEach(l -> node.withArray("labels").add(l));
        ArrayNode boardOut = node.putArray("board");
        ArrayNode referenceOut = node.putArray("reference");
        AgreementWindow window = board == null ? null : board.agreement();
        node.put("first", window == null ? 0 : window.total() - window.count() + 1);
        for (int i = 0; window != null && i < window.count(); i++) {
            ArrayNode b = boardOut.addArray();
            ArrayNode r = referenceOut.addArray();
            for (byte v : window.board(i)) {
                b.add(v);
            }
            for (byte v : window.reference(i)) {
                r.add(v);
            }
        }
        return node;
    }

    /** The device's latest alert edges, newest first. */
    public ObjectNode alarms(String device, List<Alert> edges) {
        ObjectNode node = JSON.createObjectNode().put("deviceId", device);
        ArrayNode out = node.putArray("alerts");
        edges.forEach(a -> out.addObject().put("timestamp", a.getTimestamp().toString()).put("state", a.getState().name())
                .put("source", a.getSource().name()).put("kind", a.getKind().name())
                .put("severity", a.getSeverity().name()).put("diagnosis", a.getDiagnosis().name())
                .put("episodeId", a.getEpisodeId()).put("firstOut", a.getFirstOut()).put("returns", a.getReturns())
                .put("firstSeq", a.getFirstSeq()).put("lastSeq", a.getLastSeq()).put("runLength", a.getRunLength())
                .put("evidence", a.getEvidence()));
        return node;
    }

    /** The per-layer picture of the device's latest windows, and the layer where the variation between them dies. */
    public ObjectNode layers(String device, LayerPictures.Picture picture) {
        ObjectNode node = JSON.createObjectNode().put("deviceId", device);
        ArrayNode windows = node.putArray("windows");
        for (LayerPictures.Traced t : picture.windows()) {
            ObjectNode w = windows.addObject().put("windowEndSeq", t.endSeq())
                    .put("timestamp", java.time.Instant.ofEpochMilli(t.timestamp()).toString());
            ArrayNode layers = w.putArray("layers");
            for (LayerUse l : t.layers()) {
                ObjectNode layer = layers.addObject().put("name", l.name()).put("int8", l.output() != null);
                if (l.output() != null) {
                    layer.put("levelsUsed", l.levelsUsed()).put("zeroFraction", l.zeroFraction());
                }
            }
        }
        if (picture.diesAt() >= 0) {
            List<LayerPictures.Traced> w = picture.windows();
            node.putObject("variationDiesAt").put("layer", picture.diesAt())
                    .put("name", w.get(w.size() - 1).layers().get(picture.diesAt()).name())
                    .put("fromWindowEndSeq", w.get(w.size() - 2).endSeq())
                    .put("toWindowEndSeq", w.get(w.size() - 1).endSeq());
        } else {
            node.putNull("variationDiesAt");
        }
        return node;
    }

    /** The rolling agreement, with the metrics ST Edge AI's validation reports for target against reference. */
    private void agreement(ObjectNode node, AgreementWindow window, ReferenceModel model) {
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
            reference[i] = dequantize(window.reference(i), model);
            board[i] = dequantize(window.board(i), model);
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

    private static double[] dequantize(byte[] out, ReferenceModel model) {
        double[] values = new double[out.length];
        for (int i = 0; i < out.length; i++) {
            values[i] = (out[i] - model.outputZeroPoint()) * (double) model.outputScale();
        }
        return values;
    }
}

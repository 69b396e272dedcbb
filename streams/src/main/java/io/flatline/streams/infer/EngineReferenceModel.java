package io.flatline.streams.infer;

import java.io.IOException;
import java.util.List;

import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.SlidingWindow;
import io.flatline.model.engine.Model;
import io.flatline.model.engine.TensorInfo;
import io.flatline.model.engine.UnsupportedModelException;
import io.flatline.model.tflite.ModelFormatException;
import io.flatline.model.tflite.TensorType;
import io.flatline.model.trace.Layer;
import io.flatline.model.trace.Trace;
import io.flatline.streams.config.ModelSpec;

/** The fleet's {@code .tflite} model run by Flatline's int8 engine, in the arithmetic the config names. */
public final class EngineReferenceModel implements ReferenceModel {

    private final Model model;
    private final Arithmetic arithmetic;
    private final int timeSteps;
    private final int channels;

    private EngineReferenceModel(Model model, Arithmetic arithmetic, int timeSteps, int channels) {
        this.model = model;
        this.arithmetic = arithmetic;
        this.timeSteps = timeSteps;
        this.channels = channels;
    }

    /**
     * Loads a model of the config and checks that the streams application can feed it: one int8 input of shape
     * (1, time steps, channels) and one int8 output with one value per configured label.
     */
    public static EngineReferenceModel load(ModelSpec config) {
        Model model;
        try {
            model = Model.load(config.file());
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the model " + config.file() + ": " + e.getMessage(), e);
        } catch (ModelFormatException | UnsupportedModelException e) {
            throw new IllegalArgumentException("The model " + config.file() + " cannot be run: " + e.getMessage(), e);
        }
        TensorInfo in = model.input();
        TensorInfo out = model.output();
        List<Integer> shape = in.shape();
        if (in.type() != TensorType.INT8 || shape.size() != 3 || shape.get(0) != 1) {
            throw new IllegalArgumentException("The model " + config.file() + " takes " + in.type() + " " + shape
                    + " as input '" + in.name() + "'; the streams application feeds int8 (1, time steps, channels)"
                    + " windows, as the boards do");
        }
        if (out.type() != TensorType.INT8) {
            throw new IllegalArgumentException("The model " + config.file() + " outputs " + out.type()
                    + " ('" + out.name() + "'); the boards report int8 outputs");
        }
        if (shape.get(1) != config.window().size()) {
            throw new IllegalArgumentException((config.section().equals("model") ? "" : config.section() + ": ") + "window.size is " + config.window().size() + " but the model "
                    + config.file().getFileName() + " takes windows of " + shape.get(1) + " time steps");
        }
        if (out.elementCount() != config.labels().size()) {
            throw new IllegalArgumentException(config.section() + ".labels names " + config.labels().size() + " classes but the model "
                    + config.file().getFileName() + " has " + out.elementCount() + " outputs");
        }
        return new EngineReferenceModel(model, config.kernels(), shape.get(1), shape.get(2));
    }

    @Override
    public String modelId() {
        return model.modelId();
    }

    @Override
    public int timeSteps() {
        return timeSteps;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int outputs() {
        return model.output().elementCount();
    }

    @Override
    public float inputScale() {
        return model.input().scale();
    }

    @Override
    public int inputZeroPoint() {
        return model.input().zeroPoint();
    }

    @Override
    public float outputScale() {
        return model.output().scale();
    }

    @Override
    public int outputZeroPoint() {
        return model.output().zeroPoint();
    }

    @Override
    public Runners newRunners() {
        SlidingWindow.Workspace workspace = new SlidingWindow.Workspace(model, arithmetic);
        int outputBytes = model.output().byteSize();
        return () -> new SlidingRunner(workspace.newWindow(), timeSteps, channels, outputBytes);
    }

    /**
     * Runs each window through the engine's incremental path when it is the previous one slid by
     * {@code newRows}, and in full otherwise. The slide is checked against the rows the runner holds, not
     * trusted: after a rebalance, a restore or a reset the caller's bookkeeping and the runner's can differ,
     * and the price of the check is one comparison of a few hundred bytes.
     */
    private static final class SlidingRunner implements Runner {
        private final SlidingWindow sliding;
        private final int timeSteps;
        private final int channels;
        private final int outputBytes;
        private boolean primed;

        SlidingRunner(SlidingWindow sliding, int timeSteps, int channels, int outputBytes) {
            this.sliding = sliding;
            this.timeSteps = timeSteps;
            this.channels = channels;
            this.outputBytes = outputBytes;
        }

        @Override
        public byte[] run(byte[] window, int newRows) {
            boolean slid = primed && sliding.slidBy(window, newRows);
            primed = true;
            if (!slid) {
                return sliding.reset(window);
            }
            byte[] out = new byte[outputBytes];
            sliding.push(window, (timeSteps - newRows) * channels, newRows, out, 0);
            return out;
        }
    }

    /**
     * Traces both windows and names the first layer whose output is the same for both: past it, nothing of
     * the difference between the inputs is left. Adds how the current window's layers use their int8 range.
     */
    @Override
    public String saturationEvidence(byte[] previousWindow, byte[] window) {
        return LayerUse.evidence(layers(previousWindow), layers(window));
    }

    @Override
    public List<LayerUse> layers(byte[] window) {
        return Trace.run(model, window, arithmetic).layers().stream().map(l -> new LayerUse(layerName(l),
                l.levels() == null ? 0 : l.stats().distinctLevels(), l.stats().fractionZero(), l.levels())).toList();
    }

    private static String layerName(Layer layer) {
        return layer.operator() < 0 ? "input" : layer.operatorName() + " (" + layer.tensorName() + ")";
    }
}

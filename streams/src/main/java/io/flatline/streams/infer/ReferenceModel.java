package io.flatline.streams.infer;

import java.util.List;

/**
 * The fleet's model as the streams application runs it: the int8 engine behind a narrow port, so the topology
 * is written against what it needs and nothing else.
 */
public interface ReferenceModel {

    /** SHA-256 (hex) of the {@code .tflite} file. */
    String modelId();

    int timeSteps();

    int channels();

    int outputs();

    float inputScale();

    int inputZeroPoint();

    float outputScale();

    int outputZeroPoint();

    /**
     * A source of runners, one per device, that share the engine's compiled graph and working buffers: each
     * runner then holds only its device's window and partial sums. Runners of one source must not run at the same
     * time (a stream task's, which one thread processes, may share one); runners keep no durable state.
     */
    Runners newRunners();

    /**
     * Human-readable evidence of where the variation between two inputs dies in the network, and how the
     * layers of {@code window} use their int8 range: what a MODEL_SATURATION alert shows.
     */
    String saturationEvidence(byte[] previousWindow, byte[] window);

    /**
     * The model's tensors on one window, the input first, each with how much of its int8 range it uses: the
     * per-layer picture the fleet page shows for a saturation. Empty for a model that cannot be traced.
     */
    default List<LayerUse> layers(byte[] window) {
        return List.of();
    }

    interface Runners {
        Runner newRunner();
    }

    interface Runner {
        /**
         * The raw int8 output for a window of {@code timeSteps * channels} bytes, time-major. {@code newRows}
         * says how many rows at the end are new since this runner's last call (the window slid by that much), so
         * the engine can reuse the rest; any other value asks for a full run. Both give identical results.
         */
        byte[] run(byte[] window, int newRows);
    }
}

package io.flatline.streams.topology;

import io.flatline.streams.infer.ReferenceModel;

/**
 * A tiny stand-in for the int8 engine in topology tests: output i is the mean of channel i over the window, so
 * it follows the inputs, and {@code frozen} makes it a model that cannot tell any inputs apart. The engine's
 * own arithmetic is tested in the model module; these tests are about windows, runs and matching.
 */
final class WindowSumModel implements ReferenceModel {

    private final int timeSteps;
    private final int channels;
    private final boolean frozen;
    private final String id;
    private boolean failEvidence;

    WindowSumModel(int timeSteps, int channels, boolean frozen) {
        this(timeSteps, channels, frozen, "0".repeat(64));
    }

    /** @param id the model's id, as the SHA-256 of a file would be */
    WindowSumModel(int timeSteps, int channels, boolean frozen, String id) {
        this.timeSteps = timeSteps;
        this.channels = channels;
        this.frozen = frozen;
        this.id = id;
    }

    @Override
    public String modelId() {
        return id;
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
        return channels;
    }

    @Override
    public float inputScale() {
        return 1f;
    }

    @Override
    public int inputZeroPoint() {
        return 0;
    }

    @Override
    public float outputScale() {
        return 1 / 256f;
    }

    @Override
    public int outputZeroPoint() {
        return -128;
    }

    @Override
    public Runners newRunners() {
        return () -> (window, newRows) -> {
            byte[] out = new byte[channels];
            if (frozen) {
                out[0] = 127;
                return out;
            }
            for (int c = 0; c < channels; c++) {
                int sum = 0;
                for (int t = 0; t < timeSteps; t++) {
                    sum += window[t * channels + c];
                }
                out[c] = (byte) Math.max(-128, Math.min(127, sum / timeSteps));
            }
            return out;
        };
    }

    /** The next call of {@link #saturationEvidence} fails, as a bug in gathering the evidence would. */
    void failEvidenceOnce() {
        failEvidence = true;
    }

    @Override
    public String saturationEvidence(byte[] previousWindow, byte[] window) {
        if (failEvidence) {
            failEvidence = false;
            throw new IllegalStateException("the evidence could not be gathered");
        }
        return "every layer constant";
    }
}

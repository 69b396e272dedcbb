package io.flatline.simulator.fleet;

import io.flatline.model.engine.Interpreter;
import io.flatline.model.engine.Model;
import io.flatline.model.engine.TensorInfo;
import io.flatline.model.tflite.TensorType;
import io.flatline.streams.quantize.InputQuantizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * What a simulated board computes, without the Modbus that serves it ({@link VirtualBoard}): each {@link #step()}
 * is one acquisition. It takes a sample of the machine's signals, quantizes it into the board's window with
 * {@link InputQuantizer} (the reference's own code) and, once the window is full, runs the NPU (the model, with
 * the board's own interpreter) on it and reports the inference: counter, CRC-32 of the int8 window, {@code net_out}.
 * What goes wrong, and when, is the board's {@link FaultTimeline}. Deterministic for a seed; not thread-safe.
 */
public final class BoardFirmware {

    /** Share of inferences on which an {@link Malfunction#OUTPUT_BLIPS} board reports what its NPU computed. */
    static final double BLIP_SHARE = 0.05;

    /** One inference as the board reports it (registers 100 onwards). */
    public record Report(long counter, long inputCrc32, byte[] netOut) {
        public Report {
            netOut = netOut.clone();
        }

        @Override
        public byte[] netOut() {
            return netOut.clone();
        }
    }

    /**
     * One acquisition: the sample's number (1-based, the window it ends), the regime it was taken in, the channel
     * values, and the inference of the window it completes, once the window is full.
     */
    public record Acquisition(long sample, Regime regime, float[] values, Optional<Report> report) {
        public Acquisition {
            values = values.clone();
        }

        @Override
        public float[] values() {
            return values.clone();
        }
    }

    private final Interpreter npu;
    private final InputQuantizer quantizer;
    private final InputQuantizer misquantizer;
    private final int steps;
    private final int channels;
    private final int outputs;
    private final SignalGenerator generator;
    private final RegimeSchedule schedule;
    private final FaultTimeline.Cursor timeline;
    /** Draws what the output malfunctions do, apart from the signals so that they stay the healthy board's. */
    private final SplittableRandom faults;
    private final byte[] window;

    private Regime regime;
    private float[] sample;
    private long samples;
    private int filled;
    private long inferences;
    /** The NPU's last output: what a frozen output repeats. */
    private byte[] computed;
    private Malfunction malfunction = Malfunction.NONE;

    /**
     * A board running {@code model} (loaded from {@code runs}) with {@code runs}' normalisation and arithmetic,
     * its signals seeded with {@code seed}, malfunctioning as {@code timeline} says; a wrong zero point is the
     * model's plus {@code zeroPointShift}.
     */
    public BoardFirmware(BoardModel runs, Model model, long seed, FaultTimeline timeline, int zeroPointShift) {
        this.steps = steps(runs, model);
        TensorInfo in = model.input();
        this.channels = SignalGenerator.CHANNELS;
        this.outputs = model.output().elementCount();
        this.quantizer = new InputQuantizer(runs.normalization(), in.scale(), in.zeroPoint());
        this.misquantizer = new InputQuantizer(runs.normalization(), in.scale(), in.zeroPoint() + zeroPointShift);
        this.npu = model.newInterpreter(runs.arithmetic());
        this.generator = new SignalGenerator(seed);
        this.schedule = new RegimeSchedule(seed);
        this.regime = schedule.current();
        this.timeline = timeline.cursor();
        this.faults = new SplittableRandom(seed ^ 0xFA17L);
        this.window = new byte[steps * channels];
        this.computed = new byte[outputs];
    }

    /** The firmware of a fleet board: its fault's timeline, at its timing. */
    public static BoardFirmware of(BoardSpec spec, Model model) {
        return new BoardFirmware(spec.model(), model, spec.seed(),
                spec.fault().timeline(spec.timing(), steps(spec.model(), model)), spec.timing().zeroPointShift());
    }

    /** The model's window length, once it is checked to be a model a simulated board can run. */
    private static int steps(BoardModel runs, Model model) {
        TensorInfo in = model.input();
        List<Integer> shape = in.shape();
        if (in.type() != TensorType.INT8 || shape.size() != 3 || shape.get(0) != 1
                || shape.get(2) != SignalGenerator.CHANNELS || model.output().type() != TensorType.INT8) {
            throw new IllegalArgumentException("The model " + runs.name() + " takes " + in.type() + " "
                    + shape + " and outputs " + model.output().type() + "; a simulated board feeds int8 (1, steps, "
                    + SignalGenerator.CHANNELS + ") windows and reports int8 outputs");
        }
        return shape.get(1);
    }

    /** One acquisition: a new sample, the window moves on, and the NPU runs once the window is full. */
    public Acquisition step() {
        samples++;
        Optional<FaultTimeline.Segment> segment = timeline.at(samples);
        malfunction = segment.map(FaultTimeline.Segment::malfunction).orElse(Malfunction.NONE);
        if (malfunction == Malfunction.REBOOTED && segment.get().from() == samples) {
            filled = 0;
            inferences = 0;
            computed = new byte[outputs];
        }
        if (malfunction != Malfunction.SENSORS_FROZEN || sample == null) {
            regime = schedule.next();
            sample = generator.next(regime);
        }
        System.arraycopy(window, channels, window, 0, window.length - channels);
        List<Float> row = new ArrayList<>(channels);
        for (float v : sample) {
            row.add(v);
        }
        (malfunction == Malfunction.WRONG_ZERO_POINT ? misquantizer : quantizer)
                .quantizeRow(row, window, window.length - channels);
        filled = Math.min(filled + 1, steps);
        if (filled < steps) {
            return new Acquisition(samples, regime, sample, Optional.empty());
        }
        inferences++;
        byte[] netOut = switch (malfunction) {
            case OUTPUT_FROZEN -> computed;
            case OUTPUT_DITHERS -> dithered(computed);
            case OUTPUT_BLIPS -> faults.nextDouble() < BLIP_SHARE ? npu.run(window) : computed;
            default -> computed = npu.run(window);
        };
        return new Acquisition(samples, regime, sample,
                Optional.of(new Report(inferences, InputQuantizer.crc32(window), netOut)));
    }

    /** {@code frozen} with one class at random one LSB up or down (down at the top of the range, up at the bottom). */
    private byte[] dithered(byte[] frozen) {
        byte[] out = frozen.clone();
        int c = faults.nextInt(outputs);
        int step = faults.nextBoolean() ? 1 : -1;
        int moved = out[c] + step;
        out[c] = (byte) (moved > Byte.MAX_VALUE || moved < Byte.MIN_VALUE ? out[c] - step : moved);
        return out;
    }

    /** Time steps per window (the model's input length). */
    public int steps() {
        return steps;
    }

    /** How many int8 values {@code net_out} has. */
    public int outputs() {
        return outputs;
    }

    /** Samples taken so far, over restarts. */
    public long samples() {
        return samples;
    }

    /** The inference counter: inferences since the board last started. */
    public long inferences() {
        return inferences;
    }

    /** The regime of the latest sample (the first regime before any). */
    public Regime regime() {
        return regime;
    }

    /** The malfunction in force at the latest sample. */
    public Malfunction malfunction() {
        return malfunction;
    }
}

package io.flatline.deploy.fleet;

import com.ghgande.j2mod.modbus.procimg.IllegalAddressException;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleInputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import io.flatline.model.engine.Interpreter;
import io.flatline.model.engine.Model;
import io.flatline.model.engine.TensorInfo;
import io.flatline.model.tflite.TensorType;
import io.flatline.streams.quantize.InputQuantizer;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One simulated sensor board: a Modbus TCP slave (unit id 1, on 127.0.0.1) whose input registers (FC4) hold
 * its 10 sensor channels and the report of its last inference, computed with Flatline's int8 engine on the
 * board's own window, as the board's NPU would.
 *
 * <p>Register map (0-based wire addresses, input registers): channel {@code c} as float32 ABCD at
 * {@code 2c..2c+1}; the inference counter (uint32) at 100–101; the CRC-32 of the int8 window fed to the
 * model (uint32) at 102–103; {@code net_out} at 104.., int8 values packed two per register, high byte first
 * (the last register's low byte 0 for an odd count). Registers in between read 0.
 *
 * <p>Acquisition is triggered by the poll: every read that covers register 0 (the first channel) takes a new
 * sample, appends its quantized row to the board's window and, once the window is full, runs the inference
 * before answering. So the sample a poll reads and the board block it reads next belong together, and the
 * board's window is exactly the window of the last readings the poller saw: the board's CRC can be matched with
 * the reference's. Thread-safe: j2mod serves each connection on its own thread.
 */
public final class VirtualBoard implements AutoCloseable {

    public static final int UNIT_ID = 1;
    public static final int CHANNEL_ADDRESS = 0;
    public static final int COUNTER_ADDRESS = 100;
    public static final int CRC_ADDRESS = 102;
    public static final int NET_OUT_ADDRESS = 104;
    private static final int MAX_CONNECTIONS = 8;

    private final BoardSpec spec;
    private final Model model;
    private final Interpreter npu;
    private final InputQuantizer quantizer;
    private final int steps;
    private final int channels;
    private final int outputs;
    private final SignalGenerator generator;
    private final RegimeSchedule schedule;
    private final ModbusTcpServer server;

    // guarded by this
    private final int[] words;
    private final byte[] window;
    private float[] sample;
    private Regime regime;
    private long samples;
    private long inferences;
    private byte[] netOut;
    private boolean frozenSensors;

    /** Starts a board serving on its port; the model is loaded from the spec. */
    public static VirtualBoard start(BoardSpec spec) throws IOException {
        return new VirtualBoard(spec, spec.model().load());
    }

    /** Starts a board serving on its port, running {@code model} (loaded from {@code spec.model()}). */
    public static VirtualBoard start(BoardSpec spec, Model model) throws IOException {
        return new VirtualBoard(spec, model);
    }

    private VirtualBoard(BoardSpec spec, Model model) throws IOException {
        this.spec = spec;
        this.model = model;
        TensorInfo in = model.input();
        List<Integer> shape = in.shape();
        if (in.type() != TensorType.INT8 || shape.size() != 3 || shape.get(0) != 1
                || shape.get(2) != SignalGenerator.CHANNELS || model.output().type() != TensorType.INT8) {
            throw new IllegalArgumentException("The model " + spec.model().name() + " takes " + in.type() + " "
                    + shape + " and outputs " + model.output().type() + "; a simulated board feeds int8 (1, steps, "
                    + SignalGenerator.CHANNELS + ") windows and reports int8 outputs");
        }
        this.steps = shape.get(1);
        this.channels = shape.get(2);
        this.outputs = model.output().elementCount();
        int zeroPoint = in.zeroPoint()
                + (spec.fault() == Fault.PREPROCESSING_MISMATCH ? spec.timing().zeroPointShift() : 0);
        this.quantizer = new InputQuantizer(spec.model().normalization(), in.scale(), zeroPoint);
        this.npu = model.newInterpreter(spec.model().arithmetic());
        this.generator = new SignalGenerator(spec.seed());
        this.schedule = new RegimeSchedule(spec.seed());
        this.regime = schedule.current();
        this.words = new int[NET_OUT_ADDRESS + (outputs + 1) / 2];
        this.window = new byte[steps * channels];
        this.netOut = new byte[outputs];
        this.server = new ModbusTcpServer(spec.id(), InetAddress.getLoopbackAddress(), spec.port(), UNIT_ID,
                new Image(), MAX_CONNECTIONS);
    }

    public BoardSpec spec() {
        return spec;
    }

    public String id() {
        return spec.id();
    }

    public Fault fault() {
        return spec.fault();
    }

    /** The TCP port it listens on. */
    public int port() {
        return server.port();
    }

    public Model model() {
        return model;
    }

    /** Time steps per window (the model's input length). */
    public int steps() {
        return steps;
    }

    /** How many int8 values {@code net_out} has. */
    public int outputs() {
        return outputs;
    }

    /** Client connections open now. */
    public int connections() {
        return server.connections();
    }

    /** What the board is doing now, for tests and the demo's display. */
    public record Status(long samples, long inferences, Regime regime, float[] sample, byte[] netOut, boolean stuck,
                         boolean sensorsFrozen) {
    }

    public synchronized Status status() {
        return new Status(samples, inferences, regime, sample == null ? new float[0] : sample.clone(), netOut.clone(),
                stuck(inferences), frozenSensors);
    }

    /** Stops serving: closes the port and every connection, and joins the board's threads. */
    @Override
    public void close() {
        server.close();
    }

    /** One acquisition: a new sample, the window moves on, and the NPU runs once the window is full. */
    private void acquire() {
        if (!frozenSensors && spec.fault() == Fault.SENSOR_STALE && inferences >= spec.timing().warmUp()) {
            frozenSensors = true;
        }
        if (!frozenSensors) {
            regime = schedule.next();
            sample = generator.next(regime);
        }
        System.arraycopy(window, channels, window, 0, window.length - channels);
        List<Float> row = new ArrayList<>(channels);
        for (float v : sample) {
            row.add(v);
        }
        quantizer.quantizeRow(row, window, window.length - channels);
        samples++;
        for (int c = 0; c < channels; c++) {
            int bits = Float.floatToRawIntBits(sample[c]);
            words[CHANNEL_ADDRESS + 2 * c] = bits >>> 16;
            words[CHANNEL_ADDRESS + 2 * c + 1] = bits & 0xFFFF;
        }
        if (samples < steps) {
            return;
        }
        inferences++;
        if (!stuck(inferences)) {
            netOut = npu.run(window);
        }
        long crc = InputQuantizer.crc32(window);
        putUint32(COUNTER_ADDRESS, inferences);
        putUint32(CRC_ADDRESS, crc);
        for (int i = 0; i < (outputs + 1) / 2; i++) {
            int high = netOut[2 * i] & 0xFF;
            int low = 2 * i + 1 < outputs ? netOut[2 * i + 1] & 0xFF : 0;
            words[NET_OUT_ADDRESS + i] = high << 8 | low;
        }
    }

    /** Whether the NPU's output is frozen at inference number {@code inference} (1-based). */
    private boolean stuck(long inference) {
        Fault.Timing timing = spec.timing();
        return switch (spec.fault()) {
            case NPU_STUCK -> inference > timing.warmUp();
            case INTERMITTENT -> (inference - 1) % (timing.healthyRun() + timing.stuckRun()) >= timing.healthyRun();
            default -> false;
        };
    }

    private void putUint32(int address, long value) {
        words[address] = (int) (value >>> 16) & 0xFFFF;
        words[address + 1] = (int) value & 0xFFFF;
    }

    private synchronized InputRegister[] read(int ref, int count) {
        if (ref < 0 || count < 1 || ref + count > words.length) {
            throw new IllegalAddressException(spec.id() + " has input registers 0.." + (words.length - 1));
        }
        if (ref <= CHANNEL_ADDRESS && CHANNEL_ADDRESS < ref + count) {
            acquire();
        }
        InputRegister[] out = new InputRegister[count];
        for (int i = 0; i < count; i++) {
            out[i] = new SimpleInputRegister(words[ref + i]);
        }
        return out;
    }

    /** The board's process image: input registers only; anything else is an illegal address. */
    private final class Image extends SimpleProcessImage {
        Image() {
            super(UNIT_ID);
        }

        @Override
        public InputRegister[] getInputRegisterRange(int ref, int count) {
            return read(ref, count);
        }

        @Override
        public InputRegister getInputRegister(int ref) {
            return read(ref, 1)[0];
        }

        @Override
        public int getInputRegisterCount() {
            return words.length;
        }
    }

    @Override
    public String toString() {
        return spec.id() + " (" + spec.fault().label() + ", port " + port() + ")";
    }

}

package io.flatline.simulator.fleet;

import com.ghgande.j2mod.modbus.procimg.IllegalAddressException;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleInputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import io.flatline.model.engine.Model;

import java.io.IOException;
import java.net.InetAddress;

/**
 * One simulated sensor board: a Modbus TCP slave (unit id 1, on 127.0.0.1) whose input registers (FC4) hold
 * its 10 sensor channels and the report of its last inference, as its {@link BoardFirmware} computes them.
 *
 * <p>Register map (0-based wire addresses, input registers): channel {@code c} as float32 ABCD at
 * {@code 2c..2c+1}; the inference counter (uint32) at 100–101; the CRC-32 of the int8 window fed to the
 * model (uint32) at 102–103; {@code net_out} at 104.., int8 values packed two per register, high byte first
 * (the last register's low byte 0 for an odd count). Registers in between read 0.
 *
 * <p>Acquisition is triggered by the poll: every read that covers register 0 (the first channel) takes a new
 * sample ({@link BoardFirmware#step()}): the board appends its quantized row to its window and, once the window
 * is full, runs the inference before answering. So the sample a poll reads and the board block it reads next
 * belong together, and the board's window is exactly the window of the last readings the poller saw: the board's
 * CRC can be matched with the reference's. Thread-safe: j2mod serves each connection on its own thread.
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
    private final BoardFirmware firmware;
    private final ModbusTcpServer server;

    // guarded by this
    private final int[] words;
    private float[] sample = new float[0];
    private byte[] netOut;

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
        this.firmware = BoardFirmware.of(spec, model);
        this.words = new int[NET_OUT_ADDRESS + (firmware.outputs() + 1) / 2];
        this.netOut = new byte[firmware.outputs()];
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
        return firmware.steps();
    }

    /** How many int8 values {@code net_out} has. */
    public int outputs() {
        return firmware.outputs();
    }

    /** Client connections open now. */
    public int connections() {
        return server.connections();
    }

    /** What the board is doing now, for tests and the demo's display. */
    public record Status(long samples, long inferences, Regime regime, float[] sample, byte[] netOut,
                         Malfunction malfunction) {
    }

    public synchronized Status status() {
        return new Status(firmware.samples(), firmware.inferences(), firmware.regime(), sample.clone(), netOut.clone(),
                firmware.malfunction());
    }

    /** Stops serving: closes the port and every connection, and joins the board's threads. */
    @Override
    public void close() {
        server.close();
    }

    /** One acquisition, its sample and the inference it completes written into the registers. */
    private void acquire() {
        BoardFirmware.Acquisition acquired = firmware.step();
        sample = acquired.values();
        for (int c = 0; c < sample.length; c++) {
            int bits = Float.floatToRawIntBits(sample[c]);
            words[CHANNEL_ADDRESS + 2 * c] = bits >>> 16;
            words[CHANNEL_ADDRESS + 2 * c + 1] = bits & 0xFFFF;
        }
        acquired.report().ifPresent(report -> {
            netOut = report.netOut();
            putUint32(COUNTER_ADDRESS, report.counter());
            putUint32(CRC_ADDRESS, report.inputCrc32());
            for (int i = 0; i < (netOut.length + 1) / 2; i++) {
                int high = netOut[2 * i] & 0xFF;
                int low = 2 * i + 1 < netOut.length ? netOut[2 * i + 1] & 0xFF : 0;
                words[NET_OUT_ADDRESS + i] = high << 8 | low;
            }
        });
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

package io.flatline.simulator.fleet;

import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import io.flatline.model.engine.Model;
import io.flatline.streams.quantize.InputQuantizer;
import io.flatline.streams.quantize.Normalization;

import java.util.ArrayList;
import java.util.List;

/** Polls a simulated board as ingest does, through j2mod's own master: the channels, then the board block. */
public final class BoardClient implements AutoCloseable {

    public record Poll(float[] values, long counter, long crc, byte[] netOut) {
    }

    private final ModbusTCPMaster master;
    private final int outputs;

    public BoardClient(int port, int outputs) throws Exception {
        this.master = new ModbusTCPMaster("127.0.0.1", port, 2000, false);
        this.outputs = outputs;
        master.connect();
    }

    public Poll poll() throws Exception {
        InputRegister[] channels = master.readInputRegisters(VirtualBoard.UNIT_ID, 0, 2 * SignalGenerator.CHANNELS);
        float[] values = new float[SignalGenerator.CHANNELS];
        for (int c = 0; c < values.length; c++) {
            values[c] = Float.intBitsToFloat(channels[2 * c].toUnsignedShort() << 16 | channels[2 * c + 1].toUnsignedShort());
        }
        InputRegister[] block = master.readInputRegisters(VirtualBoard.UNIT_ID, VirtualBoard.COUNTER_ADDRESS,
                4 + (outputs + 1) / 2);
        long counter = (long) block[0].toUnsignedShort() << 16 | block[1].toUnsignedShort();
        long crc = (long) block[2].toUnsignedShort() << 16 | block[3].toUnsignedShort();
        byte[] netOut = new byte[outputs];
        for (int i = 0; i < outputs; i++) {
            int word = block[4 + i / 2].toUnsignedShort();
            netOut[i] = (byte) (i % 2 == 0 ? word >> 8 : word);
        }
        return new Poll(values, counter, crc, netOut);
    }

    @Override
    public void close() {
        master.disconnect();
    }

    /** The reference's side: the window of the last readings, quantized as streams does. */
    static final class ReferenceWindow {
        private final InputQuantizer quantizer;
        private final int steps;
        private final List<byte[]> rows = new ArrayList<>();

        ReferenceWindow(Model model, Normalization normalization) {
            this.quantizer = new InputQuantizer(normalization, model.input().scale(), model.input().zeroPoint());
            this.steps = model.input().shape().get(1);
        }

        void add(float[] values) {
            List<Float> row = new ArrayList<>();
            for (float v : values) {
                row.add(v);
            }
            rows.add(quantizer.quantizeRow(row));
            if (rows.size() > steps) {
                rows.remove(0);
            }
        }

        boolean full() {
            return rows.size() == steps;
        }

        byte[] window() {
            byte[] window = new byte[steps * SignalGenerator.CHANNELS];
            for (int t = 0; t < steps; t++) {
                System.arraycopy(rows.get(t), 0, window, t * SignalGenerator.CHANNELS, SignalGenerator.CHANNELS);
            }
            return window;
        }
    }
}

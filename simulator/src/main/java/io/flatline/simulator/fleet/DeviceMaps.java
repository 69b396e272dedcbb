package io.flatline.simulator.fleet;

import java.time.Duration;
import java.util.Map;

/** Writes the ingest device map (YAML, as {@code io.flatline.ingest.devicemap.DeviceMapLoader} reads it) of a simulated fleet. */
public final class DeviceMaps {
    private DeviceMaps() {
    }

    /**
     * Every board on 127.0.0.1 at its port, unit id 1, with the simulator's register map in the defaults: the
     * 10 channels as float32 ABCD input registers in the model's order, and the board block (counter, input
     * CRC-32, {@code net_out} of {@code outputs} int8 values packed high byte first).
     */
    public static String yaml(Map<String, Integer> ports, int outputs, Duration interval) {
        StringBuilder y = new StringBuilder();
        y.append("# The device map of a simulated fleet (flatline simulate): ingest polls each board over Modbus TCP.\n");
        y.append("# Each read of register 0 makes the board take a sample and run its inference on its last ")
                .append("50 samples,\n# so poll each board from one ingest only.\n");
        y.append("defaults:\n");
        y.append("  host: 127.0.0.1\n");
        y.append("  unitId: ").append(VirtualBoard.UNIT_ID).append('\n');
        y.append("  interval: ").append(interval.toMillis()).append("ms\n");
        y.append("  timeout: 1s\n");
        y.append("  kind: input\n");
        y.append("  type: float32\n");
        y.append("  order: ABCD\n");
        y.append("  channels:\n");
        for (int c = 0; c < SignalGenerator.CHANNELS; c++) {
            y.append("    - {name: ").append(SignalGenerator.CHANNEL_NAMES.get(c)).append(", address: ")
                    .append(VirtualBoard.CHANNEL_ADDRESS + 2 * c).append("}   # ")
                    .append(SignalGenerator.CHANNEL_UNITS.get(c)).append('\n');
        }
        y.append("  board:\n");
        y.append("    counter:    {address: ").append(VirtualBoard.COUNTER_ADDRESS).append(", type: uint32}\n");
        y.append("    inputCrc32: {address: ").append(VirtualBoard.CRC_ADDRESS).append(", type: uint32}\n");
        y.append("    netOut:     {address: ").append(VirtualBoard.NET_OUT_ADDRESS).append(", count: ")
                .append(outputs).append(", byteOrder: high-first}\n");
        y.append("devices:\n");
        ports.forEach((id, port) -> y.append("  - {id: ").append(id).append(", port: ").append(port).append("}\n"));
        return y.toString();
    }
}

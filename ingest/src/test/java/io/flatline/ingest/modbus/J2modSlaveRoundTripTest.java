package io.flatline.ingest.modbus;

import com.ghgande.j2mod.modbus.procimg.SimpleInputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import io.flatline.ingest.devicemap.Device;
import io.flatline.ingest.devicemap.DeviceMapLoader;
import io.flatline.ingest.metrics.IngestMetrics;
import io.flatline.ingest.poll.DevicePoller;
import io.flatline.ingest.poll.IngestService;
import io.flatline.ingest.poll.MonotonicClock;
import io.flatline.ingest.registers.DataType;
import io.flatline.ingest.registers.RegisterEncoder;
import io.flatline.ingest.registers.WordOrder;
import io.flatline.schemas.Quality;
import io.flatline.schemas.SensorReading;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** Every data type in every order, through j2mod's own slave, over Modbus TCP and RTU over TCP. */
class J2modSlaveRoundTripTest {
    private ModbusSlave slave;

    @AfterEach
    void stop() {
        if (slave != null) {
            ModbusSlaveFactory.close(slave);
        }
    }

    private static double sample(DataType type, WordOrder order) {
        double sign = order.ordinal() % 2 == 0 ? 1 : -1;
        return switch (type) {
            case INT16 -> sign * 12345;
            case UINT16 -> 54321 + order.ordinal();
            case INT32 -> sign * 123_456_789;
            case UINT32 -> 4_000_000_000L + order.ordinal();
            case INT64 -> sign * 1_234_567_890_123L;
            case FLOAT32 -> sign * 3.25;
            case FLOAT64 -> sign * 6.02214076e23;
        };
    }

    @ParameterizedTest(name = "rtuOverTcp={0}")
    @ValueSource(booleans = {false, true})
    void everyTypeAndOrderRoundTrips(boolean rtuOverTcp) throws Exception {
        SimpleProcessImage image = new SimpleProcessImage(5);
        StringBuilder channels = new StringBuilder();
        List<Float> expected = new ArrayList<>();
        int address = 0;
        for (DataType type : DataType.values()) {
            for (WordOrder order : WordOrder.values()) {
                double value = sample(type, order);
                for (int register : RegisterEncoder.encode(value, type, order)) {
                    image.addRegister(new SimpleRegister(register));
                    image.addInputRegister(new SimpleInputRegister(register));
                }
                String name = type.name().toLowerCase(Locale.ROOT) + "_" + order;
                String kind = address % 2 == 0 ? "holding" : "input";
                channels.append(String.format("      - {name: %s, address: %d, kind: %s, type: %s, order: %s}%n",
                        name, address, kind, type.name().toLowerCase(Locale.ROOT), order));
                expected.add((float) value);
                address += type.registers();
            }
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        slave = ModbusSlaveFactory.createTCPSlave(InetAddress.getLoopbackAddress(), port, 4, rtuOverTcp);
        slave.addProcessImage(5, image);
        slave.open();

        Device device = DeviceMapLoader.parse(Path.of("t.yaml"), """
                devices:
                  - id: plc
                    host: 127.0.0.1
                    port: %d
                    unitId: 5
                    transport: %s
                    timeout: 2s
                    channels:
                %s""".formatted(port, rtuOverTcp ? "rtu-over-tcp" : "tcp", channels)).devices().get(0);
        try (RegisterReader reader = IngestService.reader(device)) {
            DevicePoller poller = new DevicePoller(device, reader, new IngestMetrics().device("plc"), new MonotonicClock());
            DevicePoller.Poll poll = poller.poll(1);
            assertThat(poll.error()).isEmpty();
            SensorReading reading = poll.reading();
            assertThat(reading.getQuality()).isEqualTo(Quality.GOOD);
            assertThat(reading.getValues()).containsExactlyElementsOf(expected);
        }
    }
}

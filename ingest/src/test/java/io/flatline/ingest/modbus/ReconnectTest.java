package io.flatline.ingest.modbus;

import com.sun.management.UnixOperatingSystemMXBean;
import io.flatline.ingest.devicemap.Endpoint;
import io.flatline.ingest.registers.RegisterKind;
import io.flatline.ingest.registers.RegisterRange;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Thousands of failed connections leave no thread or socket behind. */
class ReconnectTest {
    private static final int ROUNDS = 2000;
    private static final RegisterRange RANGE = new RegisterRange(RegisterKind.HOLDING, 0, 4);

    private static long openFiles() {
        return ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getOpenFileDescriptorCount();
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    @Test
    void hangUpsRefusalsAndReconnectsDoNotGrowThreadsOrSockets() throws Exception {
        int refusedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            refusedPort = probe.getLocalPort();
        }
        try (FakeModbusServer hangsUp = FakeModbusServer.start(0); FakeModbusServer good = FakeModbusServer.start(0)) {
            hangsUp.mode(FakeModbusServer.Mode.HANG_UP);
            J2modRegisterReader toHangUp = reader(hangsUp.port());
            J2modRegisterReader toNowhere = reader(refusedPort);
            J2modRegisterReader toGood = reader(good.port());
            // Warm up class loading and j2mod's statics before taking the baseline.
            round(toHangUp, toNowhere, toGood);
            long files = openFiles();
            int threads = threads();

            for (int i = 0; i < ROUNDS; i++) {
                round(toHangUp, toNowhere, toGood);
            }

            assertThat(hangsUp.accepted()).isGreaterThanOrEqualTo(ROUNDS);
            assertThat(good.accepted()).isGreaterThanOrEqualTo(ROUNDS);
            assertThat(openFiles()).as("open file descriptors").isLessThanOrEqualTo(files + 5);
            assertThat(threads()).as("threads").isLessThanOrEqualTo(threads + 2);
        }
    }

    private static void round(J2modRegisterReader toHangUp, J2modRegisterReader toNowhere, J2modRegisterReader toGood)
            throws ModbusReadException {
        assertThatThrownBy(() -> toHangUp.read(RANGE)).isInstanceOf(ModbusReadException.class);
        assertThatThrownBy(() -> toNowhere.read(RANGE)).isInstanceOf(ModbusReadException.class);
        assertThat(toGood.read(RANGE)).hasSize(4);
        toGood.close();
    }

    private static J2modRegisterReader reader(int port) {
        return new J2modRegisterReader(new Endpoint.Tcp("127.0.0.1", port, false), 1, Duration.ofMillis(500));
    }
}

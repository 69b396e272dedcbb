package io.flatline.ingest.modbus;

import com.ghgande.j2mod.modbus.Modbus;
import com.ghgande.j2mod.modbus.net.AbstractSerialConnection;
import com.ghgande.j2mod.modbus.procimg.SimpleInputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import com.ghgande.j2mod.modbus.util.SerialParameters;
import io.flatline.ingest.devicemap.Endpoint;
import io.flatline.ingest.registers.RegisterKind;
import io.flatline.ingest.registers.RegisterRange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Modbus RTU on a serial line, through a virtual null-modem cable: socat joins two pseudo-terminals, j2mod's
 * serial slave listens on one end and ingest reads on the other. Skipped where socat is not installed.
 */
class SerialRtuTest {
    @TempDir
    Path dir;
    private Process socat;
    private ModbusSlave slave;

    @AfterEach
    void stop() throws InterruptedException {
        if (slave != null) {
            ModbusSlaveFactory.close(slave);
        }
        if (socat != null) {
            socat.destroy();
            socat.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void readsRegistersOverRtuOnASerialLine() throws Exception {
        assumeThat(Path.of("/usr/bin/socat")).as("socat (Debian package socat) joins the two ends").exists();
        Path master = dir.resolve("ttyMaster");
        Path device = dir.resolve("ttyDevice");
        socat = new ProcessBuilder("/usr/bin/socat", "pty,raw,echo=0,link=" + master, "pty,raw,echo=0,link=" + device)
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(master) && Files.exists(device));

        SerialParameters parameters = new SerialParameters(device.toRealPath().toString(), 19200, 0, 0, 8, 1,
                AbstractSerialConnection.EVEN_PARITY, false);
        parameters.setEncoding(Modbus.SERIAL_ENCODING_RTU);
        SimpleProcessImage image = new SimpleProcessImage(3);
        image.addInputRegister(new SimpleInputRegister(0x1234));
        image.addInputRegister(new SimpleInputRegister(0xABCD));
        slave = ModbusSlaveFactory.createSerialSlave(parameters);
        slave.addProcessImage(3, image);
        slave.open();

        try (J2modRegisterReader reader = new J2modRegisterReader(
                new Endpoint.Serial(master.toRealPath().toString(), 19200, 8, Endpoint.Parity.EVEN, 1), 3, Duration.ofSeconds(2))) {
            assertThat(reader.read(new RegisterRange(RegisterKind.INPUT, 0, 2))).containsExactly(0x1234, 0xABCD);
        }
    }
}

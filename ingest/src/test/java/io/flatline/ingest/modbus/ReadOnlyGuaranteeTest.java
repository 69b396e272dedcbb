package io.flatline.ingest.modbus;

import io.flatline.ingest.devicemap.Endpoint;
import io.flatline.ingest.registers.RegisterKind;
import io.flatline.ingest.registers.RegisterRange;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Ingest never sends a Modbus write. The structure makes it so (the only request builder makes function codes
 * 3 and 4, and nothing reaches j2mod's writing facades); these tests keep it so.
 */
class ReadOnlyGuaranteeTest {
    private static final Pattern J2MOD_CLASS = Pattern.compile("com/ghgande/j2mod/modbus/[A-Za-z0-9_/$]+");
    /** The j2mod message classes ingest may mention: read requests and responses and their base types. */
    private static final Set<String> ALLOWED_MESSAGES = Set.of(
            "com/ghgande/j2mod/modbus/msg/ModbusRequest",
            "com/ghgande/j2mod/modbus/msg/ModbusResponse",
            "com/ghgande/j2mod/modbus/msg/ReadMultipleRegistersRequest",
            "com/ghgande/j2mod/modbus/msg/ReadMultipleRegistersResponse",
            "com/ghgande/j2mod/modbus/msg/ReadInputRegistersRequest",
            "com/ghgande/j2mod/modbus/msg/ReadInputRegistersResponse");

    @Test
    void noCompiledClassOfIngestReferencesAWriteMessageOrAMasterFacade() throws IOException {
        Path classes = Path.of("target/classes/io/flatline/ingest");
        Set<String> referenced = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                Matcher m = J2MOD_CLASS.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
                while (m.find()) {
                    referenced.add(m.group());
                }
            }
        }
        assertThat(referenced).as("j2mod classes referenced by ingest").isNotEmpty()
                .noneMatch(name -> name.contains("/facade/"))
                .filteredOn(name -> name.contains("/msg/")).allMatch(ALLOWED_MESSAGES::contains);
    }

    @Test
    void aServerThatRecordsEveryFunctionCodeSeesOnlyReadsAcrossGoodBadAndGarbledExchanges() throws Exception {
        try (FakeModbusServer server = FakeModbusServer.start(0)) {
            J2modRegisterReader reader = new J2modRegisterReader(new Endpoint.Tcp("127.0.0.1", server.port(), false), 1,
                    Duration.ofMillis(200));
            reader.read(new RegisterRange(RegisterKind.HOLDING, 0, 125));
            reader.read(new RegisterRange(RegisterKind.INPUT, 65535, 1));
            for (FakeModbusServer.Mode mode : FakeModbusServer.Mode.values()) {
                server.mode(mode);
                for (int i = 0; i < 3; i++) {
                    try {
                        reader.read(new RegisterRange(i % 2 == 0 ? RegisterKind.HOLDING : RegisterKind.INPUT, i, 2));
                    } catch (ModbusReadException expected) {
                        // misbehaving modes fail; what matters is what was sent
                    }
                }
            }
            reader.close();
            assertThat(server.functionCodes()).containsOnlyKeys(3, 4);
        }
    }

    @Test
    void anExceptionReplyIsAReadError() {
        try (FakeModbusServer server = FakeModbusServer.start(0)) {
            J2modRegisterReader reader = new J2modRegisterReader(new Endpoint.Tcp("127.0.0.1", server.port(), false), 1,
                    Duration.ofMillis(500));
            server.mode(FakeModbusServer.Mode.ILLEGAL_ADDRESS);
            assertThatThrownBy(() -> reader.read(new RegisterRange(RegisterKind.HOLDING, 0, 2)))
                    .isInstanceOf(ModbusReadException.class).hasMessageContaining("exception reply");
            reader.close();
        }
    }
}

package io.flatline.ingest.devicemap;

import io.flatline.ingest.registers.DataType;
import io.flatline.ingest.registers.RegisterKind;
import io.flatline.ingest.registers.RegisterRange;
import io.flatline.ingest.registers.WordOrder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DeviceMapLoaderTest {
    private static final Path FILE = Path.of("fleet.yaml");

    private static DeviceMap parse(String yaml) throws DeviceMapException {
        return DeviceMapLoader.parse(FILE, yaml);
    }

    private static java.util.List<String> problems(String yaml) {
        return catchThrowableOfType(DeviceMapException.class, () -> parse(yaml)).problems().stream()
                .map(Problem::toString).toList();
    }

    @Test
    void aFleetOfIdenticalBoardsIsAFewLines() throws Exception {
        DeviceMap map = parse("""
                defaults:
                  port: 1502
                  interval: 100ms
                  timeout: 250ms
                  maxGap: 4
                  type: float32
                  order: CDAB
                  channels:
                    - {name: accel_x, register: 30001}
                    - {name: accel_y, register: 30003, scale: 0.5, offset: -1, min: -10, max: 10}
                    - {name: temp, address: 10, kind: holding, type: int16}
                  board:
                    counter: {register: 30101}
                    inputCrc32: {register: 30103, order: ABCD}
                    netOut: {register: 30105, count: 5}
                    modelId: abc123
                devices:
                  - {id: board-001, host: 10.0.0.11}
                  - {id: board-002, host: 10.0.0.12, unitId: 7, order: ABCD}
                """);
        assertThat(map.devices()).hasSize(2);
        Device first = map.devices().get(0);
        assertThat(first.endpoint()).isEqualTo(new Endpoint.Tcp("10.0.0.11", 1502, false));
        assertThat(first.unitId()).isEqualTo(1);
        assertThat(first.interval()).isEqualTo(Duration.ofMillis(100));
        assertThat(first.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(first.channels()).extracting(Channel::name).containsExactly("accel_x", "accel_y", "temp");
        assertThat(first.channels().get(0).register())
                .isEqualTo(new RegisterRef(RegisterKind.INPUT, 0, DataType.FLOAT32, WordOrder.CDAB));
        assertThat(first.channels().get(1).scaled(4)).isEqualTo(1.0);
        assertThat(first.channels().get(1).validRange()).isEqualTo(new ValidRange(-10, 10));
        assertThat(first.channels().get(2).register())
                .isEqualTo(new RegisterRef(RegisterKind.HOLDING, 10, DataType.INT16, WordOrder.CDAB));
        Board board = first.board().orElseThrow();
        assertThat(board.counter()).isEqualTo(new RegisterRef(RegisterKind.INPUT, 100, DataType.UINT32, WordOrder.CDAB));
        assertThat(board.inputCrc32().orElseThrow().order()).isEqualTo(WordOrder.ABCD);
        assertThat(board.netOut()).isEqualTo(new NetOut(RegisterKind.INPUT, 104, 5, true));
        assertThat(board.modelId()).contains("abc123");
        assertThat(first.blocks()).containsExactly(new RegisterRange(RegisterKind.HOLDING, 10, 1),
                new RegisterRange(RegisterKind.INPUT, 0, 4), new RegisterRange(RegisterKind.INPUT, 100, 7));

        Device second = map.devices().get(1);
        assertThat(second.unitId()).isEqualTo(7);
        assertThat(second.channels().get(0).register().order()).isEqualTo(WordOrder.ABCD);
    }

    @Test
    void modiconNotationIsOneBasedAndNamesTheKindInFiveOrSixDigits() throws Exception {
        DeviceMap map = parse("""
                devices:
                  - id: d
                    host: h
                    type: uint16
                    channels:
                      - {name: a, register: 40001}
                      - {name: b, register: "400001"}
                      - {name: c, register: 365536}
                      - {name: d, register: 39999}
                      - {name: e, address: 0, kind: input}
                """);
        assertThat(map.devices().get(0).channels()).extracting(c -> c.register().kind() + ":" + c.register().address())
                .containsExactly("HOLDING:0", "HOLDING:0", "INPUT:65535", "INPUT:9998", "INPUT:0");
    }

    @Test
    void serialAndRtuOverTcpTransports() throws Exception {
        DeviceMap map = parse("""
                defaults:
                  channels: [{name: a, register: 40001, type: int16}]
                devices:
                  - {id: gw, transport: rtu-over-tcp, host: gateway, port: 4001, unitId: 3}
                  - id: line
                    transport: rtu
                    unitId: 2
                    serial: {port: /dev/ttyUSB0, baudRate: 9600, parity: none, stopBits: 2}
                """);
        assertThat(map.devices().get(0).endpoint()).isEqualTo(new Endpoint.Tcp("gateway", 4001, true));
        assertThat(map.devices().get(1).endpoint())
                .isEqualTo(new Endpoint.Serial("/dev/ttyUSB0", 9600, 8, Endpoint.Parity.NONE, 2));
    }

    @Test
    void everyMistakeIsReportedAtOnceWithFileLineAndField() {
        assertThat(problems("""
                defaults:
                  interval: 100
                  channels:
                    - {name: a, register: 40001, type: flaot32}
                devices:
                  - {id: one, host: h, port: 70000, unitid: 3}
                  - {id: one, host: h}
                  - id: three
                    host: h
                    channels:
                      - {name: x, address: 5, type: int16}
                      - {name: x, register: 40001, address: 0, type: int16}
                      - {name: y, register: 12, type: int16}
                      - {name: z, register: 30001, kind: holding, type: int32, order: XYZW}
                      - {name: w, address: 65535, kind: input, type: float64, min: 5, max: 1}
                  - {host: h, transport: serial}
                """)).containsExactly(
                "fleet.yaml:2: defaults.interval: '100' is not a duration such as 100ms, 1.5s, 2m or 1h",
                "fleet.yaml:4: defaults.channels[0].type: 'flaot32' is not one of int16, uint16, int32, uint32, int64, float32, float64",
                "fleet.yaml:6: devices[0].unitid: unknown field (did you mean 'unitId'?)",
                "fleet.yaml:6: devices[0].port: 70000 is outside 1..65535",
                "fleet.yaml:7: devices[1].id: 'one' is already used at line 6",
                "fleet.yaml:11: devices[2].channels[0].kind: missing: holding or input (needed with a 0-based address)",
                "fleet.yaml:12: devices[2].channels[1].name: 'x' is already used at line 11",
                "fleet.yaml:12: devices[2].channels[1]: give either address (0-based wire address, with kind) or register (1-based 3xxxx/4xxxx notation), not both",
                "fleet.yaml:13: devices[2].channels[2].register: '12' is not a 1-based 3xxxx/4xxxx (or 3xxxxx/4xxxxx) register; for a 0-based wire address write address: and kind:",
                "fleet.yaml:14: devices[2].channels[3].order: 'XYZW' is not one of ABCD, BADC, CDAB, DCBA",
                "fleet.yaml:14: devices[2].channels[3].kind: says holding but register 30001 is an input register",
                "fleet.yaml:15: devices[2].channels[4].address: the value's 4 registers run past address 65535",
                "fleet.yaml:15: devices[2].channels[4].min: is greater than max (1.0)",
                "fleet.yaml:16: devices[3].id: missing: every device needs a unique id",
                "fleet.yaml:16: devices[3].transport: 'serial' is not one of tcp, rtu-over-tcp, rtu");
    }

    @Test
    void yamlSyntaxErrorsAndEmptyFilesAreLocatedToo() {
        assertThat(problems("devices:\n  - {id: a\n")).singleElement().asString().startsWith("fleet.yaml:3: (yaml): ");
        assertThat(problems("")).containsExactly("fleet.yaml:1: (file): is empty: expected 'devices:'");
        assertThat(problems("devices: []\n")).containsExactly("fleet.yaml:1: devices: is empty: the map must list at least one device");
    }

    @Test
    void aMissingFileIsAProblemNotAStackTrace() {
        assertThatThrownBy(() -> DeviceMapLoader.load(Path.of("/nonexistent/fleet.yaml")))
                .isInstanceOf(DeviceMapException.class).hasMessageStartingWith("/nonexistent/fleet.yaml:0: (file): cannot read");
    }

    @Test
    void boardCountersMustBeIntegersAndCrcsThirtyTwoBits() {
        assertThat(problems("""
                devices:
                  - id: a
                    host: h
                    channels: [{name: a, register: 40001, type: int16}]
                    board:
                      counter: {register: 30001, type: float32}
                      inputCrc32: {register: 30003, type: uint16}
                      netOut: {register: 30010}
                """)).containsExactly(
                "fleet.yaml:6: devices[0].board.counter.type: must be an integer type, not float32",
                "fleet.yaml:7: devices[0].board.inputCrc32.type: a CRC-32 is uint32 or int32, not uint16",
                "fleet.yaml:8: devices[0].board.netOut.count: missing");
    }
}

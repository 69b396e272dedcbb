package io.flatline.ingest.devicemap;

import io.flatline.ingest.registers.DataType;
import io.flatline.ingest.registers.RegisterKind;
import io.flatline.ingest.registers.WordOrder;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads a device map from YAML. It walks SnakeYAML's node tree rather than binding to objects so that every
 * problem carries its line, and it keeps going after a problem so that one run reports all of them.
 *
 * <p>Any device field except {@code id} may also be given under the top-level {@code defaults}; {@code kind},
 * {@code type} and {@code order} given on a device (or in the defaults) apply to its channels. A field found
 * in the defaults is reported at its line in the defaults, once, however many devices inherit it.
 */
public final class DeviceMapLoader {
    private static final Set<String> ROOT_KEYS = Set.of("defaults", "devices");
    private static final Set<String> DEFAULTS_KEYS = Set.of("host", "port", "unitId", "transport", "serial",
            "interval", "timeout", "maxGap", "staleAfter", "channels", "board", "kind", "type", "order");
    private static final Set<String> DEVICE_KEYS =
            Stream.concat(DEFAULTS_KEYS.stream(), Stream.of("id")).collect(Collectors.toSet());
    private static final Set<String> SERIAL_KEYS = Set.of("port", "baudRate", "dataBits", "parity", "stopBits");
    private static final Set<String> CHANNEL_KEYS =
            Set.of("name", "kind", "address", "register", "type", "order", "scale", "offset", "min", "max");
    private static final Set<String> BOARD_KEYS = Set.of("counter", "inputCrc32", "netOut", "modelId");
    private static final Set<String> REF_KEYS = Set.of("kind", "address", "register", "type", "order");
    private static final Set<String> NET_OUT_KEYS = Set.of("kind", "address", "register", "count", "byteOrder");

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");
    private static final Pattern MODICON = Pattern.compile("([34])(\\d{4,5})");
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    private static final int MAX_NET_OUT = 4096;

    private final Path file;
    private final Set<Problem> problems = new LinkedHashSet<>();
    /** Counts reports, duplicates included, so a device inheriting a bad default is known to be invalid. */
    private int reported;

    private DeviceMapLoader(Path file) {
        this.file = file;
    }

    public static DeviceMap load(Path file) throws DeviceMapException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new DeviceMapException(List.of(new Problem(file, 0, "(file)", "cannot read: " + e.getMessage())));
        }
        return parse(file, text);
    }

    /** Parses {@code text} as if read from {@code file}, which only names the source in problems. */
    public static DeviceMap parse(Path file, String text) throws DeviceMapException {
        DeviceMapLoader loader = new DeviceMapLoader(file);
        List<Device> devices = loader.root(text);
        if (!loader.problems.isEmpty()) {
            List<Problem> sorted = new ArrayList<>(loader.problems);
            sorted.sort(Comparator.comparingInt(Problem::line));
            throw new DeviceMapException(sorted);
        }
        return new DeviceMap(file, devices);
    }

    private List<Device> root(String text) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            report(line, "(yaml)", e.getProblem());
            return List.of();
        } catch (YAMLException e) {
            report(0, "(yaml)", e.getMessage());
            return List.of();
        }
        if (root == null) {
            report(1, "(file)", "is empty: expected 'devices:'");
            return List.of();
        }
        Layer top = mapping(new Field("", root));
        if (top == null) {
            return List.of();
        }
        checkKeys(top, ROOT_KEYS);
        Layer defaults = top.get("defaults").map(this::mapping).orElse(null);
        if (defaults != null) {
            checkKeys(defaults, DEFAULTS_KEYS);
        }
        Optional<Field> devicesField = top.get("devices");
        if (devicesField.isEmpty()) {
            report(top.line(), "devices", "missing: the map must list at least one device");
            return List.of();
        }
        List<Field> items = sequence(devicesField.get());
        if (items != null && items.isEmpty()) {
            report(devicesField.get().line(), "devices", "is empty: the map must list at least one device");
        }
        List<Device> devices = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (Field item : items == null ? List.<Field>of() : items) {
            Layer layer = mapping(item);
            if (layer != null) {
                device(layer, defaults, ids).ifPresent(devices::add);
            }
        }
        return devices;
    }

    private Optional<Device> device(Layer dev, Layer defaults, Map<String, Integer> ids) {
        int before = reported;
        checkKeys(dev, DEVICE_KEYS);
        Scope scope = defaults == null ? new Scope(List.of(dev)) : new Scope(List.of(dev, defaults));

        String id = dev.get("id").map(this::string).orElse(null);
        if (id == null && dev.get("id").isEmpty()) {
            report(dev.line(), dev.path() + ".id", "missing: every device needs a unique id");
        } else if (id != null) {
            Integer first = ids.putIfAbsent(id, dev.get("id").get().line());
            if (first != null) {
                report(dev.get("id").get().line(), dev.path() + ".id", "'" + id + "' is already used at line " + first);
            }
        }

        Transport transport = scope.get("transport").map(f -> choice(f, Transport.class)).orElse(Transport.TCP);
        Endpoint endpoint = endpoint(dev, scope, transport);
        int unitMax = transport == Transport.RTU ? 247 : 255;
        Integer unitId = scope.get("unitId").map(f -> integer(f, transport == Transport.RTU ? 1 : 0, unitMax)).orElse(1);
        Duration interval = scope.get("interval").map(this::duration).orElse(DEFAULT_INTERVAL);
        Duration timeout = scope.get("timeout").map(this::duration).orElse(DEFAULT_TIMEOUT);
        Integer maxGap = scope.get("maxGap").map(f -> integer(f, 0, 124)).orElse(0);
        Optional<Duration> staleAfter = scope.get("staleAfter").map(this::duration);

        List<Channel> channels = channels(dev, scope);
        Optional<Board> board = board(dev, scope);

        // Optional.map drops a null (invalid) value to the default, so the report count is what tells validity.
        if (reported > before) {
            return Optional.empty();
        }
        return Optional.of(new Device(id, endpoint, unitId, interval, timeout, maxGap, staleAfter, channels, board));
    }

    private Endpoint endpoint(Layer dev, Scope scope, Transport transport) {
        if (transport == null) {
            return null;
        }
        if (transport == Transport.RTU) {
            Optional<Field> serialField = scope.get("serial");
            if (serialField.isEmpty()) {
                report(dev.line(), dev.path() + ".serial", "missing: transport rtu needs serial: {port: /dev/ttyUSB0, ...}");
                return null;
            }
            Layer serial = mapping(serialField.get());
            if (serial == null) {
                return null;
            }
            checkKeys(serial, SERIAL_KEYS);
            String port = required(serial, "port").map(this::string).orElse(null);
            Integer baud = serial.get("baudRate").map(f -> integer(f, 50, 4_000_000)).orElse(19200);
            Integer dataBits = serial.get("dataBits").map(f -> integer(f, 7, 8)).orElse(8);
            Endpoint.Parity parity = serial.get("parity").map(f -> choice(f, Endpoint.Parity.class)).orElse(Endpoint.Parity.EVEN);
            Integer stopBits = serial.get("stopBits").map(f -> integer(f, 1, 2)).orElse(1);
            if (port == null || baud == null || dataBits == null || parity == null || stopBits == null) {
                return null;
            }
            return new Endpoint.Serial(port, baud, dataBits, parity, stopBits);
        }
        Optional<Field> hostField = scope.get("host");
        if (hostField.isEmpty()) {
            report(dev.line(), dev.path() + ".host", "missing: transport " + transport.name().toLowerCase(Locale.ROOT).replace('_', '-') + " needs a host");
        }
        String host = hostField.map(this::string).orElse(null);
        Integer port = scope.get("port").map(f -> integer(f, 1, 65535)).orElse(502);
        if (host == null || port == null) {
            return null;
        }
        return new Endpoint.Tcp(host, port, transport == Transport.RTU_OVER_TCP);
    }

    private List<Channel> channels(Layer dev, Scope scope) {
        Optional<Field> field = scope.get("channels");
        if (field.isEmpty()) {
            report(dev.line(), dev.path() + ".channels", "missing: list the sensor channels in the model's input order");
            return List.of();
        }
        List<Field> items = sequence(field.get());
        if (items == null) {
            return List.of();
        }
        if (items.isEmpty()) {
            report(field.get().line(), field.get().path(), "is empty: list the sensor channels in the model's input order");
        }
        List<Channel> channels = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (Field item : items) {
            Layer ch = mapping(item);
            if (ch == null) {
                continue;
            }
            checkKeys(ch, CHANNEL_KEYS);
            String name = required(ch, "name").map(this::string).orElse(null);
            if (name != null) {
                Integer first = names.putIfAbsent(name, ch.get("name").get().line());
                if (first != null) {
                    report(ch.get("name").get().line(), ch.path() + ".name", "'" + name + "' is already used at line " + first);
                }
            }
            Scope chScope = scope.prepend(ch);
            DataType type = chScope.get("type").map(f -> choice(f, DataType.class)).orElse(null);
            if (chScope.get("type").isEmpty()) {
                report(ch.line(), ch.path() + ".type", "missing: one of " + names(DataType.class));
            }
            RegisterRef ref = ref(ch, chScope, type);
            Double scale = ch.get("scale").map(this::number).orElse(1.0);
            Double offset = ch.get("offset").map(this::number).orElse(0.0);
            Double min = ch.get("min").map(this::number).orElse(Double.NEGATIVE_INFINITY);
            Double max = ch.get("max").map(this::number).orElse(Double.POSITIVE_INFINITY);
            if (min != null && max != null && min > max) {
                report(ch.get("min").get().line(), ch.path() + ".min", "is greater than max (" + max + ")");
            } else if (name != null && ref != null) {
                channels.add(new Channel(name, ref, scale, offset, new ValidRange(min, max)));
            }
        }
        return channels;
    }

    private Optional<Board> board(Layer dev, Scope scope) {
        Optional<Field> field = scope.get("board");
        if (field.isEmpty() || isNull(field.get().node())) {
            return Optional.empty();
        }
        Layer board = mapping(field.get());
        if (board == null) {
            return Optional.empty();
        }
        checkKeys(board, BOARD_KEYS);
        RegisterRef counter = required(board, "counter").map(f -> integerRef(f, scope)).orElse(null);
        Optional<RegisterRef> crc = board.get("inputCrc32").map(f -> integerRef(f, scope));
        if (crc.isPresent() && crc.get().type().registers() != 2) {
            report(board.get("inputCrc32").get().line(), board.get("inputCrc32").get().path() + ".type",
                    "a CRC-32 is uint32 or int32, not " + crc.get().type().name().toLowerCase(Locale.ROOT));
        }
        NetOut netOut = required(board, "netOut").map(f -> netOut(f, scope)).orElse(null);
        Optional<String> modelId = board.get("modelId").map(this::string);
        if (counter == null || netOut == null) {
            return Optional.empty();
        }
        return Optional.of(new Board(counter, crc, netOut, modelId));
    }

    /** A counter or CRC: an integer type, uint32 unless given; kind and order may come from the device. */
    private RegisterRef integerRef(Field field, Scope scope) {
        Layer layer = mapping(field);
        if (layer == null) {
            return null;
        }
        checkKeys(layer, REF_KEYS);
        DataType type = layer.get("type").map(f -> choice(f, DataType.class)).orElse(DataType.UINT32);
        if (type != null && type.isFloatingPoint()) {
            report(layer.get("type").get().line(), layer.path() + ".type", "must be an integer type, not " + type.name().toLowerCase(Locale.ROOT));
            return null;
        }
        return ref(layer, scope.prepend(layer), type);
    }

    private NetOut netOut(Field field, Scope scope) {
        Layer layer = mapping(field);
        if (layer == null) {
            return null;
        }
        checkKeys(layer, NET_OUT_KEYS);
        Integer count = required(layer, "count").map(f -> integer(f, 1, MAX_NET_OUT)).orElse(null);
        ByteOrder byteOrder = layer.get("byteOrder").map(f -> choice(f, ByteOrder.class)).orElse(ByteOrder.HIGH_FIRST);
        Location at = location(layer, scope.prepend(layer), count == null ? 1 : (count + 1) / 2);
        if (count == null || byteOrder == null || at == null) {
            return null;
        }
        return new NetOut(at.kind(), at.address(), count, byteOrder == ByteOrder.HIGH_FIRST);
    }

    private RegisterRef ref(Layer layer, Scope scope, DataType type) {
        WordOrder order = scope.get("order").map(f -> choice(f, WordOrder.class)).orElse(WordOrder.ABCD);
        Location at = location(layer, scope, type == null ? 1 : type.registers());
        if (type == null || order == null || at == null) {
            return null;
        }
        return new RegisterRef(at.kind(), at.address(), type, order);
    }

    /**
     * Either {@code address}, the 0-based address sent on the wire, with a {@code kind}; or {@code register},
     * 1-based Modicon notation whose leading digit is the kind (40001 and 400001 are holding address 0, 30001
     * input address 0). The two keys never share a meaning, so neither form can be mistaken for the other.
     */
    private Location location(Layer layer, Scope scope, int registers) {
        Optional<Field> address = layer.get("address");
        Optional<Field> register = layer.get("register");
        if (address.isPresent() && register.isPresent()) {
            report(register.get().line(), layer.path(), "give either address (0-based wire address, with kind) "
                    + "or register (1-based 3xxxx/4xxxx notation), not both");
            return null;
        }
        if (address.isEmpty() && register.isEmpty()) {
            report(layer.line(), layer.path() + ".address", "missing: give address (0-based wire address, with kind) "
                    + "or register (1-based 3xxxx/4xxxx notation)");
            return null;
        }
        Location at;
        if (register.isPresent()) {
            at = modicon(register.get());
            Optional<Field> kind = layer.get("kind");
            if (at != null && kind.isPresent()) {
                RegisterKind given = choice(kind.get(), RegisterKind.class);
                if (given != null && given != at.kind()) {
                    report(kind.get().line(), kind.get().path(), "says " + given.name().toLowerCase(Locale.ROOT)
                            + " but register " + string(register.get()) + " is " + (at.kind() == RegisterKind.INPUT ? "an input" : "a holding") + " register");
                    return null;
                }
            }
        } else {
            Integer addr = integer(address.get(), 0, 65535);
            Optional<Field> kindField = scope.get("kind");
            if (kindField.isEmpty()) {
                report(layer.line(), layer.path() + ".kind", "missing: holding or input (needed with a 0-based address)");
                return null;
            }
            RegisterKind kind = choice(kindField.get(), RegisterKind.class);
            at = addr == null || kind == null ? null : new Location(kind, addr);
        }
        if (at != null && at.address() + registers - 1 > 65535) {
            Field where = register.orElseGet(address::get);
            report(where.line(), where.path(), "the value's " + registers + " registers run past address 65535");
            return null;
        }
        return at;
    }

    private Location modicon(Field field) {
        String text = string(field);
        if (text == null) {
            return null;
        }
        Matcher m = MODICON.matcher(text.trim());
        int offset = m.matches() ? Integer.parseInt(m.group(2)) : 0;
        int limit = m.matches() && m.group(2).length() == 4 ? 9999 : 65536;
        if (!m.matches() || offset < 1 || offset > limit) {
            report(field.line(), field.path(), "'" + text + "' is not a 1-based 3xxxx/4xxxx (or 3xxxxx/4xxxxx) register;"
                    + " for a 0-based wire address write address: and kind:");
            return null;
        }
        return new Location(m.group(1).equals("4") ? RegisterKind.HOLDING : RegisterKind.INPUT, offset - 1);
    }

    private void checkKeys(Layer layer, Set<String> allowed) {
        Map<String, Integer> seen = new HashMap<>();
        for (NodeTuple tuple : layer.node().getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                report(line(tuple.getKeyNode()), layer.path(), "keys must be plain names");
                continue;
            }
            String name = key.getValue();
            Integer first = seen.putIfAbsent(name, line(key));
            if (first != null) {
                report(line(key), layer.path() + "." + name, "given twice (first at line " + first + ")");
            }
            if (!allowed.contains(name)) {
                String hint = allowed.stream().filter(a -> simplify(a).equals(simplify(name))).findFirst()
                        .map(a -> " (did you mean '" + a + "'?)")
                        .orElse(" (expected one of " + String.join(", ", allowed.stream().sorted().toList()) + ")");
                report(line(key), layer.path() + "." + name, "unknown field" + hint);
            }
        }
    }

    private static String simplify(String name) {
        return name.replaceAll("[-_]", "").toLowerCase(Locale.ROOT);
    }

    private Optional<Field> required(Layer layer, String key) {
        Optional<Field> field = layer.get(key);
        if (field.isEmpty()) {
            report(layer.line(), layer.path() + "." + key, "missing");
        }
        return field;
    }

    private Layer mapping(Field field) {
        if (field.node() instanceof MappingNode node) {
            return new Layer(node, field.path());
        }
        report(field.line(), field.path().isEmpty() ? "(top level)" : field.path(), "expected a mapping of fields");
        return null;
    }

    private List<Field> sequence(Field field) {
        if (field.node() instanceof SequenceNode node) {
            List<Field> items = new ArrayList<>();
            for (int i = 0; i < node.getValue().size(); i++) {
                items.add(new Field(field.path() + "[" + i + "]", node.getValue().get(i)));
            }
            return items;
        }
        report(field.line(), field.path(), "expected a list");
        return null;
    }

    private String string(Field field) {
        if (field.node() instanceof ScalarNode scalar && !isNull(scalar) && !scalar.getValue().isBlank()) {
            return scalar.getValue();
        }
        report(field.line(), field.path(), "expected a value");
        return null;
    }

    private Integer integer(Field field, int min, int max) {
        String text = string(field);
        if (text == null) {
            return null;
        }
        long value;
        try {
            value = text.startsWith("0x") || text.startsWith("0X")
                    ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text.replace("_", ""));
        } catch (NumberFormatException e) {
            report(field.line(), field.path(), "'" + text + "' is not an integer");
            return null;
        }
        if (value < min || value > max) {
            report(field.line(), field.path(), value + " is outside " + min + ".." + max);
            return null;
        }
        return (int) value;
    }

    private Double number(Field field) {
        String text = string(field);
        if (text == null) {
            return null;
        }
        try {
            double value = Double.parseDouble(text);
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        report(field.line(), field.path(), "'" + text + "' is not a finite number");
        return null;
    }

    private Duration duration(Field field) {
        String text = string(field);
        if (text == null) {
            return null;
        }
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            report(field.line(), field.path(), "'" + text + "' is not a duration such as 100ms, 1.5s, 2m or 1h");
            return null;
        }
        long unitNanos = switch (m.group(2)) {
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
        Duration value = Duration.ofNanos(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos)).longValue());
        if (value.compareTo(Duration.ofMillis(1)) < 0) {
            report(field.line(), field.path(), "must be at least 1ms");
            return null;
        }
        return value;
    }

    /** Enum constants are written in lower case with hyphens (rtu-over-tcp, high-first); case is not significant. */
    private <E extends Enum<E>> E choice(Field field, Class<E> type) {
        String text = string(field);
        if (text == null) {
            return null;
        }
        String wanted = text.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(wanted)) {
                return constant;
            }
        }
        report(field.line(), field.path(), "'" + text + "' is not one of " + names(type));
        return null;
    }

    private static <E extends Enum<E>> String names(Class<E> type) {
        return String.join(", ", Stream.of(type.getEnumConstants())
                .map(e -> type == WordOrder.class ? e.name() : e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    private void report(int line, String field, String message) {
        reported++;
        problems.add(new Problem(file, line, field, message));
    }

    private enum Transport { TCP, RTU_OVER_TCP, RTU }

    private enum ByteOrder { HIGH_FIRST, LOW_FIRST }

    private record Location(RegisterKind kind, int address) {
    }

    private record Field(String path, Node node) {
        int line() {
            return DeviceMapLoader.line(node);
        }
    }

    private record Layer(MappingNode node, String path) {
        Optional<Field> get(String key) {
            for (NodeTuple tuple : node.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return Optional.of(new Field(path.isEmpty() ? key : path + "." + key, tuple.getValueNode()));
                }
            }
            return Optional.empty();
        }

        int line() {
            return DeviceMapLoader.line(node);
        }
    }

    /** Where a field is looked up: the most specific mapping first, the file's defaults last. */
    private record Scope(List<Layer> layers) {
        Optional<Field> get(String key) {
            return layers.stream().map(l -> l.get(key)).flatMap(Optional::stream).findFirst();
        }

        Scope prepend(Layer layer) {
            return new Scope(Stream.concat(Stream.of(layer), layers.stream()).toList());
        }
    }
}

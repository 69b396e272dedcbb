package io.flatline.streams.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML file read as a tree that remembers where each value stands, so every mistake can be reported with
 * file, line and field. Readers ask for fields by dotted path; each problem is collected in {@link Problems},
 * so the user sees all of them at once instead of one per run.
 */
public final class YamlTree {

    private final String file;
    private final Problems problems;

    private YamlTree(String file, Problems problems) {
        this.file = file;
        this.problems = problems;
    }

    /** Parses a file; a file that is not YAML at all is reported as one problem with its position. */
    public static Optional<Section> parse(Path path, Problems problems) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(path + ": cannot read the file: " + e.getMessage());
            return Optional.empty();
        }
        return parse(path.toString(), text, problems);
    }

    public static Optional<Section> parse(String file, String text, Problems problems) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setCodePointLimit(8 * 1024 * 1024);
        YamlTree tree = new YamlTree(file, problems);
        try (Reader reader = new java.io.StringReader(text)) {
            Node root = new Yaml(options).compose(reader);
            if (root == null) {
                problems.add(file + ": the file is empty");
                return Optional.empty();
            }
            if (!(root instanceof MappingNode)) {
                problems.add(tree.at(root, "") + "the file must be a mapping of fields");
                return Optional.empty();
            }
            return Optional.of(tree.new Section("", (MappingNode) root, root));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            problems.add(file + ":" + line + ": not valid YAML: " + e.getProblem());
            return Optional.empty();
        } catch (RuntimeException | IOException e) {
            problems.add(file + ": not valid YAML: " + e.getMessage());
            return Optional.empty();
        }
    }

    private String at(Node node, String field) {
        return file + ":" + (node.getStartMark().getLine() + 1) + ": " + (field.isEmpty() ? "" : field + ": ");
    }

    /** A mapping in the file, with the dotted path that leads to it. */
    public final class Section {
        private final String path;
        // Where the section is named in the file: a missing field is reported there.
        private final Node node;
        private final Map<String, NodeTuple> fields = new LinkedHashMap<>();

        Section(String path, MappingNode mapping, Node namedAt) {
            this.path = path;
            this.node = namedAt;
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key) {
                    fields.put(key.getValue(), tuple);
                } else {
                    problems.add(at(tuple.getKeyNode(), path) + "keys must be plain names");
                }
            }
        }

        private String name(String field) {
            return path.isEmpty() ? field : path + "." + field;
        }

        public boolean has(String field) {
            return fields.containsKey(field);
        }

        /** The section's field names, in the file's order. */
        public List<String> fields() {
            return List.copyOf(fields.keySet());
        }

        /** Reports every field not in {@code known}; a misspelt field must not be silently ignored. */
        public void allowOnly(Set<String> known) {
            for (Map.Entry<String, NodeTuple> e : fields.entrySet()) {
                if (!known.contains(e.getKey())) {
                    problems.add(at(e.getValue().getKeyNode(), name(e.getKey())) + "unknown field; expected one of "
                            + String.join(", ", known.stream().sorted().toList()));
                }
            }
        }

        public Optional<Section> section(String field) {
            NodeTuple tuple = fields.get(field);
            if (tuple == null) {
                return Optional.empty();
            }
            if (tuple.getValueNode() instanceof MappingNode mapping) {
                return Optional.of(new Section(name(field), mapping, tuple.getKeyNode()));
            }
            problems.add(at(tuple.getValueNode(), name(field)) + "must be a mapping of fields");
            return Optional.empty();
        }

        /** A section that must be present; reports its absence against this section's own line. */
        public Optional<Section> requiredSection(String field) {
            if (!has(field)) {
                problems.add(at(node, name(field)) + "is required");
            }
            return section(field);
        }

        public Optional<String> string(String field) {
            return scalar(field, "a string", s -> s);
        }

        public Optional<String> requiredString(String field) {
            if (!has(field)) {
                problems.add(at(node, name(field)) + "is required");
            }
            return string(field);
        }

        public int integer(String field, int fallback, int min, int max) {
            Optional<Integer> value = scalar(field, "an integer", Integer::valueOf);
            if (value.isPresent() && (value.get() < min || value.get() > max)) {
                problems.add(at(fields.get(field).getValueNode(), name(field)) + "must be between " + min + " and "
                        + max + ", got " + value.get());
                return fallback;
            }
            return value.orElse(fallback);
        }

        public double number(String field, double fallback, double min, double max) {
            Optional<Double> value = scalar(field, "a number", Double::valueOf);
            if (value.isPresent() && !(value.get() >= min && value.get() <= max)) {
                problems.add(at(fields.get(field).getValueNode(), name(field)) + "must be between " + min + " and "
                        + max + ", got " + value.get());
                return fallback;
            }
            return value.orElse(fallback);
        }

        /** A duration such as {@code 90s}, {@code 10m}, {@code 1h} or {@code 500ms}. */
        public java.time.Duration duration(String field, java.time.Duration fallback) {
            return scalar(field, "a duration such as 30s, 10m or 1h", YamlTree::parseDuration).orElse(fallback);
        }

        /** One of the given words, case-insensitive; reports the choices when the value is none of them. */
        public <E extends Enum<E>> E choice(String field, Class<E> type, E fallback) {
            Optional<String> value = string(field);
            if (value.isEmpty()) {
                return fallback;
            }
            for (E constant : type.getEnumConstants()) {
                if (wordOf(constant).equalsIgnoreCase(value.get().strip())) {
                    return constant;
                }
            }
            problems.add(at(fields.get(field).getValueNode(), name(field)) + "must be one of "
                    + String.join(", ", java.util.Arrays.stream(type.getEnumConstants()).map(YamlTree::wordOf).toList())
                    + ", got '" + value.get() + "'");
            return fallback;
        }

        public Optional<List<String>> strings(String field) {
            return list(field, "strings", s -> s);
        }

        public Optional<List<Double>> numbers(String field) {
            return list(field, "numbers", Double::valueOf);
        }

        /** Reports a problem against a field of this section (or the section itself when absent). */
        public void problem(String field, String message) {
            NodeTuple tuple = fields.get(field);
            problems.add(at(tuple == null ? node : tuple.getValueNode(), name(field)) + message);
        }

        private <T> Optional<T> scalar(String field, String what, Function<String, T> parse) {
            NodeTuple tuple = fields.get(field);
            if (tuple == null) {
                return Optional.empty();
            }
            Node value = tuple.getValueNode();
            if (!(value instanceof ScalarNode scalar)) {
                problems.add(at(value, name(field)) + "must be " + what);
                return Optional.empty();
            }
            try {
                return Optional.of(parse.apply(scalar.getValue().strip()));
            } catch (RuntimeException e) {
                problems.add(at(value, name(field)) + "must be " + what + ", got '" + scalar.getValue() + "'");
                return Optional.empty();
            }
        }

        private <T> Optional<List<T>> list(String field, String what, Function<String, T> parse) {
            NodeTuple tuple = fields.get(field);
            if (tuple == null) {
                return Optional.empty();
            }
            if (!(tuple.getValueNode() instanceof SequenceNode sequence)) {
                problems.add(at(tuple.getValueNode(), name(field)) + "must be a list of " + what);
                return Optional.empty();
            }
            List<T> values = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < sequence.getValue().size(); i++) {
                Node item = sequence.getValue().get(i);
                String itemName = name(field) + "[" + i + "]";
                if (!(item instanceof ScalarNode scalar)) {
                    problems.add(at(item, itemName) + "must be one of the " + what);
                    ok = false;
                    continue;
                }
                try {
                    values.add(parse.apply(scalar.getValue().strip()));
                } catch (RuntimeException e) {
                    problems.add(at(item, itemName) + "must be one of the " + what + ", got '" + scalar.getValue() + "'");
                    ok = false;
                }
            }
            return ok ? Optional.of(List.copyOf(values)) : Optional.empty();
        }
    }

    private static String wordOf(Enum<?> constant) {
        return constant.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The problems found in a file, in the order they stand. */
    private static java.time.Duration parseDuration(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h)").matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> java.time.Duration.ofMillis(n);
            case "s" -> java.time.Duration.ofSeconds(n);
            case "m" -> java.time.Duration.ofMinutes(n);
            default -> java.time.Duration.ofHours(n);
        };
    }

    public static final class Problems {
        private final List<String> messages = new ArrayList<>();

        public void add(String message) {
            messages.add(message);
        }

        public boolean isEmpty() {
            return messages.isEmpty();
        }

        public List<String> messages() {
            return List.copyOf(messages);
        }

        /** Throws every problem at once, when there is any. */
        public void throwIfAny(String what) {
            if (!messages.isEmpty()) {
                throw new InvalidConfigException(what, messages);
            }
        }
    }
}

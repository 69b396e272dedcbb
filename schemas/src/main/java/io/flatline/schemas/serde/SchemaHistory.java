package io.flatline.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.Schema;

/**
 * Every schema version the project has published, read from {@code io/flatline/schemas/history/}: one file
 * per record and version ({@code SensorReading.v1.avsc}, ...), listed in its {@code INDEX}. Decoders register
 * all of them, so a record written by any released version of Flatline stays readable; a test holds the
 * current schema of each record to this list, so no change ships unpublished.
 */
public final class SchemaHistory {

    private static final String DIR = "/io/flatline/schemas/history/";
    private static final Map<String, List<Schema>> BY_RECORD = load();

    private SchemaHistory() {
    }

    /** The published versions of a record, oldest first; empty for a record that was never published. */
    public static List<Schema> versionsOf(String recordFullName) {
        return BY_RECORD.getOrDefault(recordFullName, List.of());
    }

    public static Map<String, List<Schema>> all() {
        return BY_RECORD;
    }

    private static Map<String, List<Schema>> load() {
        Map<String, List<Schema>> byRecord = new TreeMap<>();
        for (String file : read("INDEX").split("\\R")) {
            if (file.isBlank()) {
                continue;
            }
            // Each version parses on its own: versions of one record share names.
            Schema schema = new Schema.Parser().parse(read(file.strip()));
            byRecord.computeIfAbsent(schema.getFullName(), k -> new ArrayList<>()).add(schema);
        }
        byRecord.replaceAll((k, v) -> List.copyOf(v));
        return Map.copyOf(byRecord);
    }

    private static String read(String name) {
        try (InputStream in = SchemaHistory.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("Schema history file missing from the classpath: " + DIR + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read schema history file " + DIR + name, e);
        }
    }
}

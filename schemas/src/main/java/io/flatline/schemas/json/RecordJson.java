package io.flatline.schemas.json;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;

/**
 * One Flatline record as one line of JSON, for people and scripts: field names as in the {@code .avsc}, raw
 * int8 tensors ({@code netOut}) as arrays of signed numbers, timestamps as ISO-8601 strings, enums as their
 * symbols. Avro's own {@code toString} writes bytes as escaped strings, which no script wants to parse.
 */
public final class RecordJson {

    private RecordJson() {
    }

    public static String toJson(IndexedRecord record) {
        StringBuilder out = new StringBuilder(256);
        write(out, record);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof IndexedRecord record) {
            out.append('{');
            boolean first = true;
            for (Schema.Field field : record.getSchema().getFields()) {
                out.append(first ? "" : ",");
                string(out, field.name());
                out.append(':');
                write(out, record.get(field.pos()));
                first = false;
            }
            out.append('}');
        } else if (value instanceof ByteBuffer buffer) {
            ByteBuffer b = buffer.duplicate();
            out.append('[');
            for (int i = 0; b.hasRemaining(); i++) {
                out.append(i == 0 ? "" : ",").append(b.get());
            }
            out.append(']');
        } else if (value instanceof Collection<?> items) {
            out.append('[');
            boolean first = true;
            for (Object item : items) {
                out.append(first ? "" : ",");
                write(out, item);
                first = false;
            }
            out.append(']');
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(first ? "" : ",");
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                write(out, e.getValue());
                first = false;
            }
            out.append('}');
        } else if (value instanceof Float f) {
            number(out, f.doubleValue(), Float.toString(f));
        } else if (value instanceof Double d) {
            number(out, d, Double.toString(d));
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Instant instant) {
            string(out, instant.toString());
        } else if (value instanceof Enum<?> || value instanceof GenericContainer) {
            string(out, value.toString());
        } else {
            string(out, value.toString());
        }
    }

    /** JSON has no NaN or infinity: those become strings. */
    private static void number(StringBuilder out, double value, String text) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            string(out, text);
        } else {
            out.append(text);
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

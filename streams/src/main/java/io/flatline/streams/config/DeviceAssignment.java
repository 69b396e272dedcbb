package io.flatline.streams.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which model the config gives each device: its own entry, else the first pattern its id matches (in the file's
 * order), else the default. A board that reports the id of a model the application runs overrides this: the
 * board knows what it was flashed with.
 *
 * @param defaultModel the name of the model of every device nothing else names
 * @param devices      device id to model name
 * @param patterns     glob ({@code *} any run of characters, {@code ?} one) to model name, in the file's order
 */
public record DeviceAssignment(String defaultModel, Map<String, String> devices, Map<String, String> patterns) {

    public DeviceAssignment {
        devices = Map.copyOf(devices);
        patterns = new LinkedHashMap<>(patterns);
    }

    /** Every device runs one model. */
    public static DeviceAssignment allTo(String model) {
        return new DeviceAssignment(model, Map.of(), Map.of());
    }

    /** The name of the model the config gives {@code device}. */
    public String modelFor(String device) {
        String own = devices.get(device);
        if (own != null) {
            return own;
        }
        for (Map.Entry<String, String> p : patterns.entrySet()) {
            if (glob(p.getKey()).matcher(device).matches()) {
                return p.getValue();
            }
        }
        return defaultModel;
    }

    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}

package io.flatline.ingest.devicemap;

/** One sensor channel, in the model's input order: the scaled value is {@code raw * scale + offset}. */
public record Channel(String name, RegisterRef register, double scale, double offset, ValidRange validRange) {
    public double scaled(double raw) {
        return raw * scale + offset;
    }
}

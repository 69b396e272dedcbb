package io.flatline.ingest.devicemap;

/** Inclusive bounds of a plausible scaled value; either bound may be open (infinite). */
public record ValidRange(double min, double max) {
    public static final ValidRange ANY = new ValidRange(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    public boolean contains(double value) {
        return value >= min && value <= max;
    }
}

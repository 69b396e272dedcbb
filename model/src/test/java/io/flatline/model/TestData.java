package io.flatline.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** The shared int8-conv1d test vectors, copied into the test resources. */
public final class TestData {
    public static final int INPUTS = 254;
    public static final int INPUT_BYTES = 500;
    public static final int OUTPUT_BYTES = 5;

    private TestData() {}

    public static byte[] resource(String name) {
        return resource("int8-conv1d", name);
    }

    /** A test resource file from {@code directory} (int8-conv1d, ops, zoo). */
    public static byte[] resource(String directory, String name) {
        try (InputStream in = TestData.class.getResourceAsStream("/" + directory + "/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + directory + "/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Row {@code i} of a file of equal-sized records. */
    public static byte[] row(byte[] all, int i, int size) {
        return Arrays.copyOfRange(all, i * size, (i + 1) * size);
    }
}

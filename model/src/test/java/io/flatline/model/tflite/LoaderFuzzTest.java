package io.flatline.model.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.flatline.model.TestData;
import io.flatline.model.arith.Arithmetic;
import io.flatline.model.engine.Model;
import io.flatline.model.engine.UnsupportedModelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of corrupted models through the loader and, when they still load, through both
 * arithmetics: every outcome must be a model or one of the two checked exceptions with a message.
 */
class LoaderFuzzTest {
    private static final int CASES = 4000;

    @Test
    void corruptedFilesFailCleanly() {
        List<byte[]> seeds = List.of(TestData.resource("seed1.tflite"), TestData.resource("seed1_reshape.tflite"),
                SeedModels.bytes(SeedModels.Spec.fieldReport(3).with(SeedModels.InputLayout.RESHAPE,
                        SeedModels.Pooling.AVERAGE_POOL_2D, Options.Activation.RELU6, false, true)));
        Random rnd = new Random(20240611);
        int[] outcomes = new int[3];
        List<String> crashes = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
            for (int i = 0; i < CASES; i++) {
                byte[] bytes = mutate(seeds.get(i % seeds.size()), rnd);
                try {
                    Model m = Model.load(bytes);
                    byte[] in = new byte[m.input().byteSize()];
                    rnd.nextBytes(in);
                    m.run(in, Arithmetic.LITERT);
                    m.run(in, Arithmetic.TFLM);
                    outcomes[0]++;
                } catch (ModelFormatException e) {
                    assertThat(e.getMessage()).isNotBlank();
                    outcomes[1]++;
                } catch (UnsupportedModelException e) {
                    assertThat(e.getMessage()).contains("Supported:");
                    outcomes[2]++;
                } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                    if (crashes.size() < 5) {
                        crashes.add("case " + i + ": " + e + " at "
                                + Arrays.toString(Arrays.copyOf(e.getStackTrace(), 3)));
                    }
                }
            }
        });
        assertThat(crashes).isEmpty();
        // The mutations must exercise all three outcomes, or the test proves little.
        assertThat(outcomes).as("loaded, unreadable, unsupported").doesNotContain(0);
    }

    private static byte[] mutate(byte[] seed, Random rnd) {
        byte[] b = seed.clone();
        switch (rnd.nextInt(6)) {
            case 0 -> {
                return Arrays.copyOf(b, rnd.nextInt(b.length));
            }
            case 1 -> {
                for (int k = 1 + rnd.nextInt(8); k > 0; k--) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
            }
            case 2 -> {
                int at = rnd.nextInt(b.length - 4) & ~3;
                int v = switch (rnd.nextInt(4)) {
                    case 0 -> Integer.MAX_VALUE;
                    case 1 -> -1;
                    case 2 -> rnd.nextInt(1 << 16);
                    default -> rnd.nextInt();
                };
                for (int i = 0; i < 4; i++) {
                    b[at + i] = (byte) (v >>> (8 * i));
                }
            }
            case 3 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            case 4 -> {
                byte[] junk = new byte[rnd.nextInt(64)];
                rnd.nextBytes(junk);
                int at = rnd.nextInt(b.length);
                byte[] r = new byte[b.length + junk.length];
                System.arraycopy(b, 0, r, 0, at);
                System.arraycopy(junk, 0, r, at, junk.length);
                System.arraycopy(b, at, r, at + junk.length, b.length - at);
                return r;
            }
            default -> {
                // A small integer in a random aligned slot: shape dims, indices and counts go slightly wrong.
                int at = rnd.nextInt(b.length - 4) & ~3;
                int v = rnd.nextInt(70) - 3;
                for (int i = 0; i < 4; i++) {
                    b[at + i] = (byte) (v >>> (8 * i));
                }
            }
        }
        return b;
    }
}

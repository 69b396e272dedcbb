package io.flatline.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.flatline.model.TestData;
import io.flatline.model.arith.Arithmetic;
import io.flatline.model.tflite.Options.Activation;
import io.flatline.model.tflite.SeedModels;
import io.flatline.model.tflite.SeedModels.InputLayout;
import io.flatline.model.tflite.SeedModels.Pooling;
import io.flatline.model.tflite.SeedModels.Spec;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The incremental path against full inference on the same window, over long random streams. */
class SlidingWindowTest {

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("seed1", TestData.resource("seed1.tflite"), true),
                Arguments.of("seed1_reshape", TestData.resource("seed1_reshape.tflite"), true),
                Arguments.of("kernel 4 (asymmetric padding)",
                        SeedModels.bytes(Spec.fieldReport(7).withSizes(50, 10, 8, 4, 5)),
                        true),
                Arguments.of("kernel 7, 30 steps, no activation, per-tensor",
                        SeedModels.bytes(Spec.fieldReport(8).withSizes(30, 3, 6, 7, 4)
                                .with(InputLayout.RESHAPE, Pooling.MEAN, Activation.NONE, false, false)), true),
                Arguments.of("float output", SeedModels.bytes(Spec.fieldReport(9)
                        .with(InputLayout.EXPAND_DIMS, Pooling.MEAN, Activation.RELU6, true, false)
                        .withSizes(50, 10, 8, 5, 5)), true),
                Arguments.of("average pooling (full recompute)", SeedModels.bytes(Spec.fieldReport(10)
                        .with(InputLayout.EXPAND_DIMS, Pooling.AVERAGE_POOL_2D, Activation.RELU, true, false)), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everySlideEqualsAFullRun(String name, byte[] file, boolean incremental) throws Exception {
        Model model = Model.load(file);
        for (boolean vector : new boolean[] {true, false}) {
            // Read when a model is compiled: false picks the scalar loops, also in the sliding window.
            System.setProperty(Conv1dKernel.VECTOR_PROPERTY, Boolean.toString(vector));
            try {
                everySlideEqualsAFullRun(name, model, incremental);
            } finally {
                System.clearProperty(Conv1dKernel.VECTOR_PROPERTY);
            }
        }
    }

    /**
     * Windows that share a workspace keep nothing of each other: three devices' streams interleaved, each
     * window's every output equal to a full run of its own window.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void windowsSharingAWorkspaceStayApart(String name, byte[] file, boolean incremental) throws Exception {
        Model model = Model.load(file);
        for (Arithmetic arithmetic : Arithmetic.values()) {
            SlidingWindow.Workspace workspace = new SlidingWindow.Workspace(model, arithmetic);
            SlidingWindow[] windows = {workspace.newWindow(), workspace.newWindow(), workspace.newWindow()};
            Interpreter full = model.newInterpreter(arithmetic);
            Random rnd = new Random(name.hashCode() * 31 + arithmetic.ordinal());
            int c = windows[0].channels();
            for (int push = 0; push < 600; push++) {
                SlidingWindow window = windows[rnd.nextInt(windows.length)];
                int k = rnd.nextInt(10) < 8 ? 1 : 1 + rnd.nextInt(window.steps());
                byte[] steps = new byte[k * c];
                // Each device at its own level, so that a leak of one window's sums into another shows.
                int level = 40 * (Arrays.asList(windows).indexOf(window) - 1);
                for (int i = 0; i < steps.length; i++) {
                    steps[i] = (byte) Math.max(-128, Math.min(127, level + rnd.nextInt(31) - 15));
                }
                byte[] got = window.push(steps);
                assertThat(got).as("%s %s push %d", name, arithmetic, push).isEqualTo(full.run(window.window()));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void tellsAWindowThatIsThisOneSlidFromOneThatIsNot(String name, byte[] file, boolean incremental) throws Exception {
        SlidingWindow window = new SlidingWindow(Model.load(file), Arithmetic.LITERT);
        int c = window.channels();
        Random rnd = new Random(5);
        for (int push = 0; push < 200; push++) {
            byte[] step = new byte[c];
            rnd.nextBytes(step);
            // Pushing moves the ring's head around, so the slid window straddles the ring's end in some rounds.
            window.push(step);
            int k = 1 + rnd.nextInt(window.steps() - 1);
            byte[] current = window.window();
            byte[] slid = new byte[current.length];
            System.arraycopy(current, k * c, slid, 0, current.length - k * c);
            rnd.nextBytes(step);
            System.arraycopy(step, 0, slid, current.length - c, c);

            assertThat(window.slidBy(slid, k)).as("push %d, slid by %d", push, k).isTrue();
            byte[] altered = slid.clone();
            int i = rnd.nextInt(current.length - k * c);
            altered[i]++;
            assertThat(window.slidBy(altered, k)).as("push %d, byte %d altered", push, i).isFalse();
            assertThat(window.slidBy(slid, 0)).isFalse();
            assertThat(window.slidBy(slid, window.steps())).isFalse();
        }
    }

    private static void everySlideEqualsAFullRun(String name, Model model, boolean incremental) {
        for (Arithmetic arithmetic : Arithmetic.values()) {
            SlidingWindow window = new SlidingWindow(model, arithmetic);
            assertThat(window.incremental()).isEqualTo(incremental);
            Interpreter full = model.newInterpreter(arithmetic);
            Random rnd = new Random(name.hashCode() ^ arithmetic.ordinal());
            int c = window.channels();
            double[] state = new double[c];
            for (int push = 0; push < 1500; push++) {
                int k = rnd.nextInt(10) < 7 ? 1 : 1 + rnd.nextInt(window.steps() + 5);
                byte[] steps = new byte[k * c];
                for (int i = 0; i < steps.length; i++) {
                    // AR(1) sensors, sometimes stuck, sometimes saturating: the inputs a fleet produces.
                    int ch = i % c;
                    state[ch] = 0.9 * state[ch] + rnd.nextGaussian() * (push % 300 < 50 ? 0 : 25);
                    steps[i] = (byte) Math.max(-128, Math.min(127, Math.round(state[ch])));
                }
                byte[] got = window.push(steps);
                byte[] expected = full.run(window.window());
                assertThat(got).as("%s %s push %d of %d steps", name, arithmetic, push, k).isEqualTo(expected);
            }
            byte[] reset = new byte[window.steps() * c];
            Arrays.fill(reset, (byte) 3);
            assertThat(window.reset(reset)).isEqualTo(full.run(reset));
        }
    }
}

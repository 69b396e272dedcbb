package io.flatline.deploy.scenario;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.flatline.model.engine.Interpreter;
import io.flatline.model.engine.Model;
import io.flatline.model.engine.TensorInfo;
import io.flatline.simulator.fleet.BoardModel;
import io.flatline.simulator.fleet.RegimeSchedule;
import io.flatline.simulator.fleet.SignalGenerator;
import io.flatline.streams.detect.RecentOutputs;
import io.flatline.streams.quantize.InputQuantizer;
import org.junit.jupiter.api.Test;

/**
 * What healthy outputs look like to the flatline detectors, for choosing their defaults (docs/streams.md,
 * "Alarms"): over a million healthy windows of the demo model and of the seed stand-in, the longest strict run of
 * one output, and the largest share of one output over the flatline window, exact and within 1 LSB. Runs only when
 * asked for: {@code mvn -B -pl deploy -am test -Dtest=HealthyOutputsBenchmark -Dsurefire.failIfNoSpecifiedTests=false},
 * then {@code grep HEALTHY} its output.
 */
class HealthyOutputsBenchmark {

    private static final int BOARDS = 50;
    private static final int WINDOWS_PER_BOARD = 20_000;
    private static final int WINDOW = 60;

    @Test
    void healthyOutputs() throws IOException {
        assumeThat(System.getProperty("test", "")).as("run with -Dtest=HealthyOutputsBenchmark")
                .contains("HealthyOutputsBenchmark");
        Path dir = Files.createTempDirectory("flatline-healthy");
        measure("demo", BoardModel.ofConfig(BoardModel.extractDemoConfig("demo.yaml", dir).orElseThrow()));
        measure("seed", BoardModel.seed(1));
    }

    private static void measure(String name, BoardModel board) {
        Model model = board.load();
        TensorInfo in = model.input();
        int steps = in.shape().get(1);
        int channels = in.shape().get(2);
        InputQuantizer quantizer = new InputQuantizer(board.normalization(), in.scale(), in.zeroPoint());
        Interpreter npu = model.newInterpreter(board.arithmetic());
        int longestRun = 0;
        double[] largestShare = new double[2];
        long windows = 0;
        for (int b = 0; b < BOARDS; b++) {
            SignalGenerator signals = new SignalGenerator(1000 + b);
            RegimeSchedule regimes = new RegimeSchedule(1000 + b);
            byte[] window = new byte[steps * channels];
            RecentOutputs[] recent = {RecentOutputs.empty(WINDOW, model.output().elementCount()),
                    RecentOutputs.empty(WINDOW, model.output().elementCount())};
            byte[] previous = null;
            int run = 0;
            for (int k = 0; k < WINDOWS_PER_BOARD + steps; k++) {
                List<Float> row = new ArrayList<>();
                for (float v : signals.next(regimes.next())) {
                    row.add(v);
                }
                System.arraycopy(window, channels, window, 0, window.length - channels);
                quantizer.quantizeRow(row, window, window.length - channels);
                if (k < steps - 1) {
                    continue;
                }
                byte[] out = npu.run(window);
                run = Arrays.equals(previous, out) ? run + 1 : 1;
                longestRun = Math.max(longestRun, run);
                previous = out.clone();
                for (int tolerance = 0; tolerance < 2; tolerance++) {
                    recent[tolerance] = recent[tolerance].add(out, true, tolerance);
                    largestShare[tolerance] = Math.max(largestShare[tolerance], recent[tolerance].nearShare());
                }
                windows++;
            }
        }
        System.out.printf("HEALTHY %s: %d healthy windows, longest strict run %d, largest share over %d windows"
                + " %.2f exact, %.2f within 1 LSB%n", name, windows, longestRun, WINDOW, largestShare[0],
                largestShare[1]);
    }
}

package io.flatline.simulator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignalGeneratorTest {

    private static final int WINDOW = 50;

    @Test
    void sameSeedSameSignalsOtherSeedOtherSignals() {
        SignalGenerator a = new SignalGenerator(42);
        SignalGenerator b = new SignalGenerator(42);
        SignalGenerator c = new SignalGenerator(43);
        RegimeSchedule schedule = new RegimeSchedule(7);
        boolean differs = false;
        for (int i = 0; i < 2000; i++) {
            Regime regime = schedule.next();
            float[] x = a.next(regime);
            assertThat(b.next(regime)).containsExactly(x);
            differs |= !Arrays.equals(x, c.next(regime));
        }
        assertThat(differs).isTrue();
    }

    @Test
    void everyChannelMovesEveryStepAndStaysPlausible() {
        SignalGenerator generator = new SignalGenerator(1);
        RegimeSchedule schedule = new RegimeSchedule(1, 50, 100);
        float[] previous = generator.next(schedule.next());
        int[] repeats = new int[SignalGenerator.CHANNELS];
        for (int i = 0; i < 5000; i++) {
            float[] x = generator.next(schedule.next());
            assertThat(x).hasSize(SignalGenerator.CHANNELS);
            for (int ch = 0; ch < SignalGenerator.CHANNELS; ch++) {
                assertThat(x[ch]).as("channel %s step %d", SignalGenerator.CHANNEL_NAMES.get(ch), i).isFinite();
                repeats[ch] += x[ch] == previous[ch] ? 1 : 0;
            }
            assertThat(x[SignalGenerator.TEMPERATURE]).isBetween(30f, 70f);
            assertThat(x[SignalGenerator.VOLTAGE]).isBetween(380f, 420f);
            assertThat(x[SignalGenerator.SPEED]).isBetween(1440f, 1510f);
            assertThat(x[SignalGenerator.PRESSURE]).isBetween(1.0f, 6.0f);
            assertThat(x[SignalGenerator.FLOW]).isBetween(60f, 150f);
            assertThat(x[SignalGenerator.ACOUSTIC]).isBetween(55f, 100f);
            // smooth physics: the slow channels never jump
            assertThat(Math.abs(x[SignalGenerator.TEMPERATURE] - previous[SignalGenerator.TEMPERATURE])).isLessThan(0.5f);
            previous = x;
        }
        // noise on every channel: a float may repeat by chance, but not for long
        assertThat(Arrays.stream(repeats).max().orElseThrow()).isLessThan(10);
    }

    /** A few window statistics and fixed thresholds tell every regime apart once the machine has settled in it. */
    @Test
    void regimesAreTellableApartBySimpleWindowStatistics() {
        for (long seed = 0; seed < 4; seed++) {
            for (Regime regime : Regime.values()) {
                SignalGenerator generator = new SignalGenerator(seed);
                for (int i = 0; i < 20; i++) {
                    Regime other = Regime.values()[(regime.ordinal() + 1) % Regime.values().length];
                    generator.next(other); // start elsewhere, then move over
                }
                for (int i = 0; i < 150; i++) {
                    generator.next(regime);
                }
                for (int w = 0; w < 20; w++) {
                    List<float[]> window = new ArrayList<>();
                    for (int i = 0; i < WINDOW; i++) {
                        window.add(generator.next(regime));
                    }
                    assertThat(classify(window)).as("seed %d window %d", seed, w).isEqualTo(regime);
                }
            }
        }
    }

    @Test
    void scheduleDwellsThenMoves() {
        RegimeSchedule schedule = new RegimeSchedule(3);
        List<Integer> dwells = new ArrayList<>();
        Regime current = schedule.next();
        int run = 1;
        boolean[] seen = new boolean[Regime.values().length];
        for (int i = 0; i < 20_000; i++) {
            Regime regime = schedule.next();
            seen[regime.ordinal()] = true;
            if (regime == current) {
                run++;
            } else {
                dwells.add(run);
                current = regime;
                run = 1;
            }
        }
        assertThat(dwells).hasSizeGreaterThan(20).allSatisfy(d -> assertThat(d).isBetween(200, 600));
        assertThat(seen).containsOnly(true);
        assertThat(Regime.values()).extracting(Regime::label)
                .containsExactly("normal", "imbalance", "bearing-wear", "misalignment", "cavitation");
    }

    static Regime classify(List<float[]> window) {
        if (std(window, SignalGenerator.VIB_X) > 1.5) {
            return Regime.IMBALANCE;
        }
        if (std(window, SignalGenerator.CURRENT) > 0.7) {
            return Regime.MISALIGNMENT;
        }
        if (std(window, SignalGenerator.PRESSURE) > 0.15) {
            return Regime.CAVITATION;
        }
        if (mean(window, SignalGenerator.ACOUSTIC) - 66 > 3 && std(window, SignalGenerator.VIB_Z) > 1.0) {
            return Regime.BEARING_WEAR;
        }
        return Regime.NORMAL;
    }

    private static double mean(List<float[]> window, int ch) {
        return window.stream().mapToDouble(x -> x[ch]).average().orElseThrow();
    }

    private static double std(List<float[]> window, int ch) {
        double mean = mean(window, ch);
        return Math.sqrt(window.stream().mapToDouble(x -> (x[ch] - mean) * (x[ch] - mean)).average().orElseThrow());
    }
}

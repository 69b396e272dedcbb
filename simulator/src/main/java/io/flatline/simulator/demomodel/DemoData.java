package io.flatline.simulator.demomodel;

import io.flatline.simulator.fleet.Regime;
import io.flatline.simulator.fleet.RegimeSchedule;
import io.flatline.simulator.fleet.SignalGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Labelled windows cut from the simulator the way the streams application sees it: one machine per generator
 * seed, wandering between regimes on a {@link RegimeSchedule}, each window 50 consecutive readings.
 */
public final class DemoData {
  public static final int STEPS = 50;
  public static final int CHANNELS = SignalGenerator.CHANNELS;

  /**
   * A window counts as labelled only once the regime it ends in has lasted this long: the simulator's regimes
   * blend in with a 25-step time constant, so earlier windows are a mixture of two regimes and have no one label.
   */
  static final int SETTLE_STEPS = STEPS + 50;

  private DemoData() {}

  /** Raw windows ({@code [t][channel]}, engineering units) and the class index of each. */
  public record Labelled(List<float[][]> windows, int[] labels) {
    public Labelled {
      windows = List.copyOf(windows);
      labels = labels.clone();
    }

    @Override
    public int[] labels() {
      return labels.clone();
    }

    public int size() {
      return labels.length;
    }

    public int label(int i) {
      return labels[i];
    }

    public int[] classCounts() {
      int[] counts = new int[Regime.values().length];
      for (int l : labels) {
        counts[l]++;
      }
      return counts;
    }
  }

  /**
   * {@code machines} simulated machines, each run for {@code steps} readings from a seed derived from
   * {@code seed}; settled windows every {@code stride} readings.
   */
  public static Labelled windows(long seed, int machines, int steps, int stride) {
    SplittableRandom seeds = new SplittableRandom(seed);
    List<float[][]> windows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int m = 0; m < machines; m++) {
      long machineSeed = seeds.nextLong();
      SignalGenerator generator = new SignalGenerator(machineSeed);
      RegimeSchedule schedule = new RegimeSchedule(machineSeed);
      float[][] rows = new float[steps][];
      Regime[] regimes = new Regime[steps];
      int[] dwell = new int[steps];
      for (int t = 0; t < steps; t++) {
        regimes[t] = schedule.next();
        rows[t] = generator.next(regimes[t]);
        // a machine is found already in its first regime, so it counts as settled from the start
        dwell[t] = t == 0 ? SETTLE_STEPS : regimes[t] == regimes[t - 1] ? dwell[t - 1] + 1 : 1;
      }
      for (int end = STEPS - 1; end < steps; end += stride) {
        if (dwell[end] >= SETTLE_STEPS) {
          float[][] w = new float[STEPS][];
          System.arraycopy(rows, end - STEPS + 1, w, 0, STEPS);
          windows.add(w);
          labels.add(regimes[end].ordinal());
        }
      }
    }
    return new Labelled(windows, labels.stream().mapToInt(Integer::intValue).toArray());
  }

  /** A machine wandering between all regimes on its default {@link RegimeSchedule}, as the demo fleet does. */
  public static float[][] scheduledStream(long seed, int steps) {
    SignalGenerator generator = new SignalGenerator(seed);
    RegimeSchedule schedule = new RegimeSchedule(seed);
    float[][] rows = new float[steps][];
    for (int t = 0; t < steps; t++) {
      rows[t] = generator.next(schedule.next());
    }
    return rows;
  }

  /** A machine that stays healthy for {@code steps} readings: the stream the stuck-output check runs on. */
  public static float[][] healthyStream(long seed, int steps) {
    SignalGenerator generator = new SignalGenerator(seed);
    float[][] rows = new float[steps][];
    for (int t = 0; t < steps; t++) {
      rows[t] = generator.next(Regime.NORMAL);
    }
    return rows;
  }
}

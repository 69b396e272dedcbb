package io.flatline.simulator.fleet;

import java.util.List;
import java.util.Random;

/**
 * The sensor signals of one simulated machine (a motor driving a pump), sampled at 10 Hz: each
 * {@link #next(Regime)} is one time step and returns the 10 channels in engineering units, in the model's
 * input order ({@link #CHANNEL_NAMES}). Deterministic for a seed ({@link Random}'s algorithm is fixed by its
 * specification), with noise on every channel so that consecutive windows always differ.
 *
 * <p>Each regime leaves its own marks, clear in a 50-sample window: imbalance a strong once-per-revolution
 * vibration on x and y; bearing wear high-frequency bursts on z and a louder, hotter machine; misalignment an
 * axial twice-per-revolution vibration on z and a ripple on the motor current; cavitation a lower, fluctuating
 * pressure and flow and broadband acoustic noise. The machine moves between regimes smoothly: each regime's
 * intensity relaxes towards 1 (the current regime) or 0 with a time constant of about 25 steps, and the
 * temperature follows its target with a thermal lag of about 150 steps.
 */
public final class SignalGenerator {

    public static final int CHANNELS = 10;
    public static final List<String> CHANNEL_NAMES = List.of(
            "vib_x", "vib_y", "vib_z", "temperature", "current", "voltage", "speed", "pressure", "flow", "acoustic");
    public static final List<String> CHANNEL_UNITS = List.of(
            "mm/s", "mm/s", "mm/s", "degC", "A", "V", "rpm", "bar", "l/min", "dB");
    public static final double SAMPLE_RATE_HZ = 10.0;

    public static final int VIB_X = 0, VIB_Y = 1, VIB_Z = 2, TEMPERATURE = 3, CURRENT = 4, VOLTAGE = 5, SPEED = 6,
            PRESSURE = 7, FLOW = 8, ACOUSTIC = 9;

    private static final double TWO_PI = 2 * Math.PI;
    /** Per step, how far each regime's intensity moves towards its target. */
    private static final double REGIME_RATE = 0.04;
    private static final double THERMAL_RATE = 1.0 / 150;
    private static final double NOMINAL_RPM = 1480;
    /** Apparent once-per-revolution frequency at the 10 Hz sampling rate, in cycles per step. */
    private static final double ONE_X_CYCLES_PER_STEP = 0.17;
    private static final double RIPPLE_CYCLES_PER_STEP = 0.09;

    private final Random random;
    // this machine's own operating point
    private final double ambient;
    private final double load;
    private final double rpmOffset;
    private final double flowOffset;
    private final double pressureOffset;
    private final double phaseX;
    private final double phaseZ;

    private final double[] intensity = new double[Regime.values().length];
    private boolean started;
    private long step;
    private double shaftPhase;
    private double ripplePhase;
    private double temperature;
    private double burst;
    private double cavitationPressure;
    private double cavitationFlow;

    public SignalGenerator(long seed) {
        this.random = new Random(seed);
        this.ambient = 40 + 4 * random.nextDouble();
        this.load = 11 + 2 * random.nextDouble();
        this.rpmOffset = -8 + 16 * random.nextDouble();
        this.flowOffset = -5 + 10 * random.nextDouble();
        this.pressureOffset = -0.2 + 0.4 * random.nextDouble();
        this.phaseX = TWO_PI * random.nextDouble();
        this.phaseZ = TWO_PI * random.nextDouble();
        this.shaftPhase = TWO_PI * random.nextDouble();
        this.ripplePhase = TWO_PI * random.nextDouble();
    }

    /** One 10 Hz time step in {@code regime}: the 10 channel values in engineering units. */
    public float[] next(Regime regime) {
        if (!started) {
            // a machine found in a regime has been in it for a while
            intensity[regime.ordinal()] = 1;
            temperature = temperatureTarget(load);
            started = true;
        } else {
            for (int r = 0; r < intensity.length; r++) {
                double target = r == regime.ordinal() ? 1 : 0;
                intensity[r] += REGIME_RATE * (target - intensity[r]);
            }
        }
        double imbalance = intensity[Regime.IMBALANCE.ordinal()];
        double bearing = intensity[Regime.BEARING_WEAR.ordinal()];
        double misalignment = intensity[Regime.MISALIGNMENT.ordinal()];
        double cavitation = intensity[Regime.CAVITATION.ordinal()];

        double speed = NOMINAL_RPM + rpmOffset - 6 * misalignment - 4 * bearing + 3 * cavitation + gauss(2.0);
        shaftPhase = (shaftPhase + TWO_PI * ONE_X_CYCLES_PER_STEP * speed / NOMINAL_RPM) % TWO_PI;
        ripplePhase = (ripplePhase + TWO_PI * RIPPLE_CYCLES_PER_STEP) % TWO_PI;
        double oneX = shaftPhase;

        // bearing wear: impacts that ring down within a few steps, alternating sign (high frequency)
        burst *= 0.5;
        if (random.nextDouble() < 0.3) {
            burst = Math.max(burst, 3.5 + 2.5 * random.nextDouble());
        }
        double ring = burst * ((step & 1) == 0 ? 1 : -1);

        float[] v = new float[CHANNELS];
        v[VIB_X] = (float) (0.5 * Math.sin(oneX + phaseX) + 4.0 * imbalance * Math.sin(oneX)
                + 0.6 * misalignment * Math.sin(2 * oneX) + gauss(0.15));
        v[VIB_Y] = (float) (0.4 * Math.cos(oneX + phaseX) + 4.0 * imbalance * Math.cos(oneX)
                + 0.5 * misalignment * Math.cos(2 * oneX) + gauss(0.15));
        v[VIB_Z] = (float) (0.3 * Math.sin(oneX + phaseZ) + 3.0 * misalignment * Math.sin(2 * oneX + phaseZ)
                + bearing * ring + gauss(0.12));

        double current = load + 0.6 * imbalance + 0.4 * bearing
                + misalignment * (0.8 + 1.6 * Math.sin(ripplePhase)) + gauss(0.15 + 0.4 * cavitation);
        v[CURRENT] = (float) current;

        temperature += THERMAL_RATE * (temperatureTarget(current) - temperature);
        v[TEMPERATURE] = (float) (temperature + gauss(0.05));

        v[VOLTAGE] = (float) (400 + 0.8 * Math.sin(TWO_PI * 0.004 * step) - 0.3 * (current - load) + gauss(1.2));
        v[SPEED] = (float) speed;

        cavitationPressure = 0.6 * cavitationPressure + cavitation * gauss(0.35);
        cavitationFlow = 0.6 * cavitationFlow + cavitation * gauss(5.0);
        v[PRESSURE] = (float) (4.2 + pressureOffset - 0.9 * cavitation + cavitationPressure + gauss(0.03));
        v[FLOW] = (float) (118 + flowOffset - 18 * cavitation + cavitationFlow
                + 0.02 * (speed - NOMINAL_RPM) + gauss(0.8));
        v[ACOUSTIC] = (float) (66 + 1.5 * imbalance + 5 * bearing + 0.6 * bearing * burst + 1.5 * misalignment
                + cavitation * (4 + 3 * Math.abs(random.nextGaussian())) + gauss(0.6));
        step++;
        return v;
    }

    /** How many steps this generator has produced. */
    public long steps() {
        return step;
    }

    private double temperatureTarget(double current) {
        return ambient + 2.5 * intensity[Regime.IMBALANCE.ordinal()] + 7 * intensity[Regime.BEARING_WEAR.ordinal()]
                + 4 * intensity[Regime.MISALIGNMENT.ordinal()] + 1.5 * intensity[Regime.CAVITATION.ordinal()]
                + 0.4 * (current - load);
    }

    private double gauss(double sigma) {
        return sigma * random.nextGaussian();
    }
}

package io.gpuagent.nvml.sim;

import java.util.Map;
import java.util.TreeMap;

/**
 * The value model of one simulated GPU: how busy it is at time {@code t} (seconds since the node
 * was made) and what that adds up to. Load is a background wave from the profile plus the simulated
 * processes, with a little deterministic jitter; power follows load; energy, busy time and the
 * lagging thermal load are integrated on a fixed one-second grid anchored at t = 0, so every value
 * depends only on the seed, the clock and the process history, never on how often or in which order
 * callers asked.
 */
final class SimWorkload {

  /**
   * A synthetic background load: mean and swing in percent, the period of the swing, and the job
   * that makes it: {@code processes} background processes holding {@code memoryBytes} each (none: a
   * wave without processes, the old behaviour).
   */
  record Background(
      double utilization, double amplitude, double periodSeconds, int processes, long memoryBytes) {
    static final Background IDLE = new Background(0, 0, 600, 0, 0);

    /** The pid of background process {@code i} on GPU {@code gpuIndex}. */
    static int pid(int gpuIndex, int i) {
      return FIRST_PID + 100 * gpuIndex + i;
    }

    static final int FIRST_PID = 20_000;
  }

  /** Integrals since t = 0: joules drawn, seconds at full load, and the lagged load (0..1). */
  record Integrals(double energyJoules, double busySeconds, double laggedLoad) {}

  private static final double STEP_SECONDS = 1.0;

  /** The die heats and cools with a time constant of about half a minute. */
  private static final double THERMAL_TIME_CONSTANT_SECONDS = 30;

  private static final int CHANNEL_LOAD = 1;
  private static final int CHANNEL_POWER = 2;
  private static final int CHANNEL_PHASE = 3;

  private final long seed;
  private final int gpuIndex;
  private final Background background;
  private final GpuModel.Power power;
  private final double phase;
  private final TreeMap<Double, Double> processLoadSince = new TreeMap<>(Map.of(0.0, 0.0));

  private long cachedSteps;
  private double cachedEnergy;
  private double cachedBusy;
  private double cachedLag;

  SimWorkload(long seed, int gpuIndex, Background background, GpuModel.Power power) {
    this.seed = seed;
    this.gpuIndex = gpuIndex;
    this.background = background;
    this.power = power;
    this.phase = Math.PI * (1 + noise(0, CHANNEL_PHASE));
  }

  /** From {@code atSeconds} on, simulated processes add {@code load} (1.0 = the whole GPU). */
  synchronized void setProcessLoad(double atSeconds, double load) {
    processLoadSince.put(Math.max(atSeconds, processLoadSince.lastKey()), load);
  }

  /** Fraction of the GPU busy at {@code t}, 0..1; exactly 0 when nothing runs. */
  synchronized double load(double t) {
    double wave =
        background.utilization()
            + background.amplitude()
                * Math.sin(2 * Math.PI * t / background.periodSeconds() + phase);
    double processes = processLoadSince.floorEntry(Math.max(t, 0)).getValue();
    if (wave <= 0 && processes <= 0) {
      return 0;
    }
    double jitterPercent = 2 * noise(tick(t), CHANNEL_LOAD);
    return Math.min(1, Math.max(0, (wave + jitterPercent) / 100 + processes));
  }

  /** Board power at {@code t}, capped at the enforced (default) limit. */
  double powerWatts(double t) {
    double load = load(t);
    double wobble = (load > 0 ? 0.01 * power.peak() : 0.3) * noise(tick(t), CHANNEL_POWER);
    double watts = power.idle() + (power.peak() - power.idle()) * load + wobble;
    return Math.max(0, Math.min(power.defaultLimit(), watts));
  }

  /**
   * The integrals at {@code t}. Whole seconds are cached as the clock moves on; a clock that moves
   * backwards sees the integrals frozen at their latest value, never shrinking.
   */
  synchronized Integrals integralsAt(double t) {
    while ((cachedSteps + 1) * STEP_SECONDS <= t) {
      double stepStart = cachedSteps * STEP_SECONDS;
      double load = load(stepStart);
      cachedEnergy += powerWatts(stepStart) * STEP_SECONDS;
      cachedBusy += load * STEP_SECONDS;
      cachedLag +=
          (load - cachedLag) * (1 - Math.exp(-STEP_SECONDS / THERMAL_TIME_CONSTANT_SECONDS));
      cachedSteps++;
    }
    double stepStart = cachedSteps * STEP_SECONDS;
    double partial = Math.max(0, t - stepStart);
    double load = load(stepStart);
    return new Integrals(
        cachedEnergy + powerWatts(stepStart) * partial,
        cachedBusy + load * partial,
        cachedLag + (load - cachedLag) * (1 - Math.exp(-partial / THERMAL_TIME_CONSTANT_SECONDS)));
  }

  /** Deterministic noise in [-1, 1) for this GPU, a time tick and a channel (SplitMix64). */
  double noise(long tick, int channel) {
    long z = seed * 0x9E3779B97F4A7C15L + gpuIndex * 0xBF58476D1CE4E5B9L;
    z += tick * 0x94D049BB133111EBL + channel * 0x2545F4914F6CDD1DL;
    return (SplitMix64.mix(z) >>> 11) * 0x1.0p-53 * 2 - 1;
  }

  private static long tick(double t) {
    return (long) Math.floor(t / STEP_SECONDS);
  }
}

package io.gpuagent.health;

import io.gpuagent.config.ConfigKey;
import io.gpuagent.config.ConfigSection;
import io.gpuagent.config.ConfigValues;
import io.gpuagent.config.ValueType;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.XidCatalog;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the health module watches devices; the keys under {@code health.} are declared here. A key's
 * rule is what an operator may configure (e.g. intervals of at least 100 ms); the record itself
 * only requires values that make sense, so tests can run faster clocks.
 *
 * @param interval how often error counters are polled (probes keep {@code probeInterval} on their
 *     own)
 * @param probeMode when a device may be probed on schedule
 * @param probeInterval how long after one probe of a device the next one is due
 * @param probeDeadline how long a probe may run before it is killed and counted as hung
 * @param passesToRecover consecutive passing probes a device needs, after its cause has ended, to
 *     be healthy again
 * @param ignoredXids XIDs that are counted but do not make a device unhealthy (application errors)
 * @param stickyReasons reasons that keep a device unhealthy until the agent sees a GPU reset
 * @param memoryTestMib device memory a memory probe writes and reads back; 0 lets the probe pick
 *     (256 MiB or 5 % of free memory, whichever is less)
 */
public record HealthConfig(
    Duration interval,
    ProbeMode probeMode,
    Duration probeInterval,
    Duration probeDeadline,
    int passesToRecover,
    Set<Integer> ignoredXids,
    Set<HealthReason> stickyReasons,
    long memoryTestMib) {

  /**
   * XIDs NVIDIA's device plugin ignores because applications cause them: the application class of
   * {@link XidCatalog} (13, 31, 43, 45, 68, 109).
   */
  public static final Set<Integer> APPLICATION_XIDS = Set.copyOf(XidCatalog.applicationXids());

  public static final String PREFIX = "health";

  private static final Duration MIN_INTERVAL = Duration.ofMillis(100);

  public static final ConfigKey<Boolean> ENABLED =
      ConfigKey.of(
          PREFIX,
          "enabled",
          new ValueType.Flag(),
          true,
          "Watch XIDs, error counters and probes; when false only GPUs that stop answering are"
              + " marked unhealthy.");
  public static final ConfigKey<Duration> INTERVAL =
      ConfigKey.of(
          PREFIX,
          "interval",
          new ValueType.MinDuration(MIN_INTERVAL),
          Duration.ofSeconds(10),
          "How often error counters (ECC, remapped rows) and lost GPUs are checked.");
  public static final ConfigKey<ProbeMode> PROBE_MODE =
      ConfigKey.of(
          PREFIX,
          "probe.mode",
          new ValueType.Word<>(ProbeMode.class, ProbeMode::word),
          ProbeMode.IDLE_ONLY,
          "When CUDA probes run: only while a device has no compute processes, always, or never.");
  public static final ConfigKey<Duration> PROBE_INTERVAL =
      ConfigKey.of(
          PREFIX,
          "probe.interval",
          new ValueType.MinDuration(MIN_INTERVAL),
          Duration.ofMinutes(5),
          "How often each device is probed (staggered across devices).");
  public static final ConfigKey<Duration> PROBE_DEADLINE =
      ConfigKey.of(
          PREFIX,
          "probe.deadline",
          new ValueType.MinDuration(MIN_INTERVAL),
          Duration.ofSeconds(60),
          "A probe not done by then is killed and its device is `hung`.");
  public static final ConfigKey<Integer> PROBE_MEMORY_MIB =
      ConfigKey.of(
          PREFIX,
          "probe.memoryMib",
          new ValueType.IntRange(0, 1 << 20),
          0,
          "Device memory the memory probe checks; 0: 256 MiB or 5 % of free memory, whichever is"
              + " less.");
  public static final ConfigKey<Integer> RECOVERY_PASSES =
      ConfigKey.of(
          PREFIX,
          "recoveryPasses",
          new ValueType.IntRange(1, 100),
          3,
          "Consecutive passing probes that bring an unhealthy device back once its cause is gone.");
  public static final ConfigKey<List<Integer>> IGNORED_XIDS =
      ConfigKey.of(
          PREFIX,
          "ignoredXids",
          new ValueType.IntList(1, 100_000),
          List.copyOf(new TreeSet<>(APPLICATION_XIDS)),
          "XIDs caused by applications: counted, but they do not make a device unhealthy.");
  public static final ConfigKey<Set<HealthReason>> STICKY_REASONS =
      ConfigKey.of(
          PREFIX,
          "stickyReasons",
          new ValueType.Words<>(
              new ValueType.Word<>(HealthReason.class, HealthReason::label), true),
          Set.of(),
          "Reasons that keep a device unhealthy until the agent sees a GPU reset.");

  public static final ConfigSection SECTION =
      new ConfigSection(
          PREFIX,
          "Health",
          List.of(
              ENABLED,
              INTERVAL,
              PROBE_MODE,
              PROBE_INTERVAL,
              PROBE_DEADLINE,
              PROBE_MEMORY_MIB,
              RECOVERY_PASSES,
              IGNORED_XIDS,
              STICKY_REASONS));

  public HealthConfig {
    Objects.requireNonNull(probeMode, "probeMode");
    requirePositive("interval", interval);
    requirePositive("probeInterval", probeInterval);
    requirePositive("probeDeadline", probeDeadline);
    if (passesToRecover < 1) {
      throw new IllegalArgumentException("passesToRecover must be >= 1, got " + passesToRecover);
    }
    if (memoryTestMib < 0) {
      throw new IllegalArgumentException("memoryTestMib must be >= 0, got " + memoryTestMib);
    }
    for (int xid : ignoredXids) {
      if (xid <= 0) {
        throw new IllegalArgumentException("ignoredXids must be positive XIDs, got " + xid);
      }
    }
    ignoredXids = Set.copyOf(ignoredXids);
    stickyReasons = stickyReasons.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(stickyReasons));
  }

  /** The configured health module; every key nobody set at its default. */
  public static HealthConfig from(ConfigValues values) {
    return new HealthConfig(
        values.get(INTERVAL),
        values.get(PROBE_MODE),
        values.get(PROBE_INTERVAL),
        values.get(PROBE_DEADLINE),
        values.get(RECOVERY_PASSES),
        Set.copyOf(values.get(IGNORED_XIDS)),
        values.get(STICKY_REASONS),
        values.get(PROBE_MEMORY_MIB));
  }

  /**
   * The keys' defaults: poll every 10 s; probe idle devices every 5 min with a 60 s deadline, the
   * probe picking how much memory to test; back to healthy after 3 passes; NVIDIA's application
   * XIDs ignored; nothing sticky.
   */
  public static HealthConfig defaults() {
    return from(ConfigValues.defaults());
  }

  public HealthConfig withInterval(Duration value) {
    return new HealthConfig(
        value,
        probeMode,
        probeInterval,
        probeDeadline,
        passesToRecover,
        ignoredXids,
        stickyReasons,
        memoryTestMib);
  }

  public HealthConfig withProbeMode(ProbeMode value) {
    return new HealthConfig(
        interval,
        value,
        probeInterval,
        probeDeadline,
        passesToRecover,
        ignoredXids,
        stickyReasons,
        memoryTestMib);
  }

  public HealthConfig withProbeInterval(Duration value) {
    return new HealthConfig(
        interval,
        probeMode,
        value,
        probeDeadline,
        passesToRecover,
        ignoredXids,
        stickyReasons,
        memoryTestMib);
  }

  public HealthConfig withProbeDeadline(Duration value) {
    return new HealthConfig(
        interval,
        probeMode,
        probeInterval,
        value,
        passesToRecover,
        ignoredXids,
        stickyReasons,
        memoryTestMib);
  }

  public HealthConfig withPassesToRecover(int value) {
    return new HealthConfig(
        interval,
        probeMode,
        probeInterval,
        probeDeadline,
        value,
        ignoredXids,
        stickyReasons,
        memoryTestMib);
  }

  public HealthConfig withIgnoredXids(Set<Integer> value) {
    return new HealthConfig(
        interval,
        probeMode,
        probeInterval,
        probeDeadline,
        passesToRecover,
        value,
        stickyReasons,
        memoryTestMib);
  }

  public HealthConfig withStickyReasons(Set<HealthReason> value) {
    return new HealthConfig(
        interval,
        probeMode,
        probeInterval,
        probeDeadline,
        passesToRecover,
        ignoredXids,
        value,
        memoryTestMib);
  }

  public HealthConfig withMemoryTestMib(long value) {
    return new HealthConfig(
        interval,
        probeMode,
        probeInterval,
        probeDeadline,
        passesToRecover,
        ignoredXids,
        stickyReasons,
        value);
  }

  private static void requirePositive(String key, Duration value) {
    Objects.requireNonNull(value, key);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
  }
}

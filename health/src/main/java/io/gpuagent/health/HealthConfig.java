package io.gpuagent.health;

import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.XidCatalog;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How the health module watches devices.
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

  /**
   * Poll every 10 s; probe idle devices every 5 min with a 60 s deadline, the probe picking how
   * much memory to test; back to healthy after 3 passes; NVIDIA's application XIDs ignored; nothing
   * sticky.
   */
  public static HealthConfig defaults() {
    return new HealthConfig(
        Duration.ofSeconds(10),
        ProbeMode.IDLE_ONLY,
        Duration.ofMinutes(5),
        Duration.ofSeconds(60),
        3,
        APPLICATION_XIDS,
        Set.of(),
        0);
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

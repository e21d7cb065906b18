package io.gpuagent.deviceplugin.sharing.quota;

import io.gpuagent.config.ConfigKey;
import io.gpuagent.config.ConfigSection;
import io.gpuagent.config.ConfigValues;
import io.gpuagent.config.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the {@link QuotaMonitor} watches shared GPUs; the keys under {@code quota.}, each with its
 * default and rule, are declared here and nowhere else.
 *
 * @param interval how often the compute processes of shared GPUs are read and accounted
 * @param procRoot where {@code <pid>/environ} and {@code <pid>/cgroup} are read (the host's {@code
 *     /proc}; a fake tree in tests and under the simulator)
 * @param killGracePeriod with {@code enforcement: kill}, how long after SIGTERM a process still
 *     over quota gets SIGKILL
 */
public record QuotaConfig(Duration interval, Path procRoot, Duration killGracePeriod) {
  public static final String PREFIX = "quota";

  public static final ConfigKey<Boolean> ENABLED =
      ConfigKey.of(
          PREFIX,
          "enabled",
          new ValueType.Flag(),
          true,
          "Account each pod's memory on shared GPUs and apply the GPU's enforcement (observe,"
              + " kill).");
  public static final ConfigKey<Duration> INTERVAL =
      ConfigKey.of(
          PREFIX,
          "interval",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Duration.ofSeconds(5),
          "How often the compute processes of shared GPUs are read and checked against quotas.");
  public static final ConfigKey<Path> PROC_ROOT =
      ConfigKey.of(
          PREFIX,
          "procRoot",
          new ValueType.FilePath(),
          Path.of("/proc"),
          "Where processes' `environ` and `cgroup` are read; the host's /proc (the agent needs"
              + " `hostPID: true`). Under `--simulate` with a profile that has pods, the simulator's tree.");
  public static final ConfigKey<Duration> KILL_GRACE_PERIOD =
      ConfigKey.of(
          PREFIX,
          "killGracePeriod",
          new ValueType.MinDuration(Duration.ZERO),
          Duration.ofSeconds(10),
          "With `enforcement: kill`: time between SIGTERM and SIGKILL for a process still over"
              + " its pod's quota (checked each interval).");

  public static final ConfigSection SECTION =
      new ConfigSection(
          PREFIX, "Quota monitor", List.of(ENABLED, INTERVAL, PROC_ROOT, KILL_GRACE_PERIOD));

  public QuotaConfig {
    INTERVAL.check(interval);
    PROC_ROOT.check(procRoot);
    KILL_GRACE_PERIOD.check(killGracePeriod);
  }

  public static QuotaConfig from(ConfigValues values) {
    return new QuotaConfig(
        values.get(INTERVAL), values.get(PROC_ROOT), values.get(KILL_GRACE_PERIOD));
  }

  public static QuotaConfig defaults() {
    return from(ConfigValues.defaults());
  }

  public QuotaConfig withProcRoot(Path root) {
    return new QuotaConfig(interval, root, killGracePeriod);
  }
}

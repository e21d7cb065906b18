package io.gpuagent.deviceplugin.sharing;

import io.gpuagent.config.ConfigKey;
import io.gpuagent.config.ConfigSection;
import io.gpuagent.config.ConfigValues;
import io.gpuagent.config.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How GPUs are shared; the keys under {@code sharing.}, declared here and nowhere else. A GPU no
 * rule selects is {@code exclusive}, as without sharing.
 *
 * @param gpus the rules, each selecting GPUs by index, UUID or model; no GPU in two of them
 * @param mpsPipeRoot where each MPS control daemon gets {@code <uuid>/pipe} and {@code <uuid>/log}
 * @param mpsControl the {@code nvidia-cuda-mps-control} program (a name on PATH or a path)
 * @param mpsCheckInterval how often each daemon is asked whether it answers
 * @param mpsRestartDelay the first wait before restarting a daemon that died; doubles up to 1 min
 */
public record SharingConfig(
    List<SharingRule> gpus,
    Path mpsPipeRoot,
    String mpsControl,
    Duration mpsCheckInterval,
    Duration mpsRestartDelay) {

  public static final String PREFIX = "sharing";

  /** Where a container finds the MPS pipe directory (CUDA's default). */
  public static final String CONTAINER_PIPE_DIRECTORY = "/tmp/nvidia-mps";

  public static final ConfigKey<List<SharingRule>> GPUS =
      ConfigKey.of(
          PREFIX,
          "gpus",
          new ValueType.MappingList<>(
              SharingRule::parse,
              SharingRule::written,
              SharingConfig::checkDisjoint,
              "`{select: {indexes: [..]}, {uuids: [..]} or {model: ..}; mode: exclusive, replicas"
                  + " or memory-slices; sliceSize: 1GiB; reserve: 0B; enforcement: observe, kill or"
                  + " mps; replicas: N}`"),
          List.of(),
          "Per-GPU sharing: `memory-slices` advertises one `nvidia.com/gpu-memory` device per"
              + " `sliceSize` of (memory − `reserve`), IDs `<uuid>::<k>`; `replicas` advertises"
              + " the GPU N times under its own resource; a GPU no item selects is `exclusive`."
              + " Config file only. See docs/sharing.md.");
  public static final ConfigKey<Path> MPS_PIPE_ROOT =
      ConfigKey.of(
          PREFIX,
          "mps.pipeRoot",
          new ValueType.Checked<>(
              new ValueType.FilePath(), Path::isAbsolute, "must be an absolute path"),
          Path.of("/run/gpu-agent/mps"),
          "Host directory for the MPS daemons of GPUs with `enforcement: mps`: `<uuid>/pipe` is"
              + " mounted into containers at `"
              + CONTAINER_PIPE_DIRECTORY
              + "`, `<uuid>/log` holds the daemon's log.");
  public static final ConfigKey<String> MPS_CONTROL =
      ConfigKey.of(
          PREFIX,
          "mps.control",
          new ValueType.Text(false),
          "nvidia-cuda-mps-control",
          "The MPS control program the agent starts (`-d`) and asks, per GPU with `enforcement:"
              + " mps`: a name on PATH or a path.");
  public static final ConfigKey<Duration> MPS_CHECK_INTERVAL =
      ConfigKey.of(
          PREFIX,
          "mps.checkInterval",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Duration.ofSeconds(5),
          "How often each MPS daemon is asked (`get_server_list`) whether it still answers.");
  public static final ConfigKey<Duration> MPS_RESTART_DELAY =
      ConfigKey.of(
          PREFIX,
          "mps.restartDelay",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Duration.ofSeconds(1),
          "First wait before restarting an MPS daemon that stopped answering; doubles on each"
              + " failure up to 1m, back to this after a minute up.");

  public static final ConfigSection SECTION =
      new ConfigSection(
          PREFIX,
          "GPU sharing",
          List.of(GPUS, MPS_PIPE_ROOT, MPS_CONTROL, MPS_CHECK_INTERVAL, MPS_RESTART_DELAY));

  public SharingConfig {
    gpus = List.copyOf(GPUS.check(gpus));
    MPS_PIPE_ROOT.check(mpsPipeRoot);
    MPS_CONTROL.check(mpsControl);
    MPS_CHECK_INTERVAL.check(mpsCheckInterval);
    MPS_RESTART_DELAY.check(mpsRestartDelay);
  }

  public static SharingConfig from(ConfigValues values) {
    return new SharingConfig(
        values.get(GPUS),
        values.get(MPS_PIPE_ROOT),
        values.get(MPS_CONTROL),
        values.get(MPS_CHECK_INTERVAL),
        values.get(MPS_RESTART_DELAY));
  }

  /** No GPU shared. */
  public static SharingConfig none() {
    return from(ConfigValues.defaults());
  }

  /** These rules, MPS settings at their defaults. */
  public static SharingConfig of(List<SharingRule> rules) {
    SharingConfig none = none();
    return new SharingConfig(
        rules, none.mpsPipeRoot, none.mpsControl, none.mpsCheckInterval, none.mpsRestartDelay);
  }

  public SharingConfig withMps(
      Path pipeRoot, String control, Duration checkInterval, Duration restartDelay) {
    return new SharingConfig(gpus, pipeRoot, control, checkInterval, restartDelay);
  }

  /** Whether some rule asks for MPS, so that the agent supervises MPS daemons. */
  public boolean usesMps() {
    return gpus.stream()
        .anyMatch(
            rule -> rule.enforcement() == Enforcement.MPS && rule.mode() != SharingMode.EXCLUSIVE);
  }

  /**
   * No index, UUID or model in two items (a selector of one kind against another is checked against
   * the inventory, where it is a plan problem).
   */
  private static void checkDisjoint(List<SharingRule> rules) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      List<String> names = Objects.requireNonNull(rules.get(i), "rule").select().names();
      for (String name : names) {
        Integer earlier = seen.putIfAbsent(name, i + 1);
        if (earlier != null) {
          throw new IllegalArgumentException(
              "selects "
                  + name
                  + " in items "
                  + earlier
                  + " and "
                  + (i + 1)
                  + ": a GPU is shared in one mode");
        }
      }
    }
  }
}

package io.gpuagent.mig;

import io.gpuagent.config.ConfigKey;
import io.gpuagent.config.ConfigSection;
import io.gpuagent.config.ConfigValues;
import io.gpuagent.config.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The MIG manager's keys, under {@code mig.}, declared here and nowhere else.
 *
 * @param configFile a mig-parted config file ({@code version: v1}, {@code mig-configs})
 * @param selected the layout of that file applied at start-up
 * @param allowReset whether a GPU may be reset so a MIG mode change takes effect
 * @param drainWait how long a GPU to change may stay in use before it is refused
 * @param nodeLabel whether the layout follows the node label {@code nvidia.com/mig.config}
 */
public record MigConfig(
    Optional<Path> configFile,
    Optional<String> selected,
    boolean allowReset,
    Duration drainWait,
    boolean nodeLabel) {

  public static final String PREFIX = "mig";

  public static final ConfigKey<Optional<Path>> CONFIG_FILE =
      ConfigKey.of(
          PREFIX,
          "configFile",
          new ValueType.Maybe<>(new ValueType.FilePath()),
          Optional.empty(),
          "A mig-parted config file (`version: v1`, `mig-configs`), e.g. the GPU operator's"
              + " default. Empty: no MIG layouts are managed.");
  public static final ConfigKey<Optional<String>> SELECTED =
      ConfigKey.of(
          PREFIX,
          "selected",
          new ValueType.Maybe<>(new ValueType.Text(false)),
          Optional.empty(),
          "The layout of `mig.configFile` applied at start-up, e.g. `all-1g.10gb`. Empty: none"
              + " until one is chosen through `PUT /api/v1/mig` (or the node label).");
  public static final ConfigKey<Boolean> ALLOW_RESET =
      ConfigKey.of(
          PREFIX,
          "allowReset",
          new ValueType.Flag(),
          false,
          "Reset a GPU (no processes on it) so a MIG mode change takes effect; otherwise the GPU"
              + " reports `pending-reset`.");
  public static final ConfigKey<Duration> DRAIN_WAIT =
      ConfigKey.of(
          PREFIX,
          "drainWait",
          new ValueType.MinDuration(Duration.ZERO),
          Duration.ofSeconds(30),
          "How long a GPU to re-lay out may still be held by a pod or run a process before it is"
              + " refused (unchanged).");
  public static final ConfigKey<Boolean> NODE_LABEL =
      ConfigKey.of(
          PREFIX,
          "nodeLabel",
          new ValueType.Flag(),
          false,
          "Follow this node's label `nvidia.com/mig.config` through the Kubernetes API and report in"
              + " `nvidia.com/mig.config.state`, as NVIDIA's mig-manager does (needs `mig.configFile`; replaces"
              + " `mig.selected`).");

  public static final ConfigSection SECTION =
      new ConfigSection(
          PREFIX,
          "MIG manager",
          List.of(CONFIG_FILE, SELECTED, ALLOW_RESET, DRAIN_WAIT, NODE_LABEL));

  public static MigConfig from(ConfigValues values) {
    Optional<String> selected = values.get(SELECTED);
    if (selected.isPresent() && values.get(CONFIG_FILE).isEmpty()) {
      throw values.invalid(SELECTED, "needs mig.configFile, the file the layout is in");
    }
    if (values.get(NODE_LABEL) && values.get(CONFIG_FILE).isEmpty()) {
      throw values.invalid(NODE_LABEL, "needs mig.configFile, the file the label's layouts are in");
    }
    if (values.get(NODE_LABEL) && selected.isPresent()) {
      throw values.invalid(
          SELECTED, "the node label chooses the layout when mig.nodeLabel is true");
    }
    return new MigConfig(
        values.get(CONFIG_FILE),
        selected,
        values.get(ALLOW_RESET),
        values.get(DRAIN_WAIT),
        values.get(NODE_LABEL));
  }

  /** No file, no layout: what the CLI starts from. */
  public static MigConfig none() {
    return new MigConfig(Optional.empty(), Optional.empty(), false, Duration.ofSeconds(30), false);
  }
}

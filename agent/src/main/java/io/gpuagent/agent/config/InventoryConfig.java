package io.gpuagent.agent.config;

import io.gpuagent.config.ConfigKey;
import io.gpuagent.config.ConfigSection;
import io.gpuagent.config.ConfigValues;
import io.gpuagent.config.ValueType;
import io.gpuagent.nvml.inventory.PciSysfs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the agent keeps its inventory of the node true; the keys under {@code inventory.}.
 *
 * @param interval how often a cheap fingerprint of the hardware is compared with the inventory, for
 *     drivers that do not report a change as an NVML event
 * @param sysfsRoot where sysfs is mounted; tests point it at a fake tree
 */
public record InventoryConfig(Duration interval, Path sysfsRoot) {
  public static final String PREFIX = "inventory";

  public static final ConfigKey<Duration> INTERVAL =
      ConfigKey.of(
          PREFIX,
          "interval",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Duration.ofSeconds(30),
          "How often the agent compares a fingerprint of the hardware (GPU count, UUIDs, MIG mode,"
              + " GPU and compute instances) with its inventory, for changes no NVML event"
              + " reported.");
  public static final ConfigKey<Path> SYSFS_ROOT =
      ConfigKey.of(
          PREFIX,
          "sysfsRoot",
          new ValueType.FilePath(),
          PciSysfs.DEFAULT_ROOT,
          "Where sysfs is mounted; a GPU's NUMA node is read from"
              + " `<sysfsRoot>/bus/pci/devices/<bus id>/numa_node`.");

  public static final ConfigSection SECTION =
      new ConfigSection(PREFIX, "Inventory", List.of(INTERVAL, SYSFS_ROOT));

  /** Code (tests) may poll faster than an operator may configure; never zero. */
  public InventoryConfig {
    Objects.requireNonNull(sysfsRoot, "sysfsRoot");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("inventory interval must be positive: " + interval);
    }
  }

  public static InventoryConfig from(ConfigValues values) {
    return new InventoryConfig(values.get(INTERVAL), values.get(SYSFS_ROOT));
  }

  public static InventoryConfig defaults() {
    return from(ConfigValues.defaults());
  }
}

package io.gpuagent.deviceplugin;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How MIG devices become kubelet resources; the same three choices NVIDIA's device plugin has. */
public enum MigStrategy {
  /** Every GPU is one {@code gpu} device, MIG mode or not; MIG devices are not advertised. */
  NONE,
  /** Every GPU is in MIG mode with one profile; its MIG devices are advertised as {@code gpu}. */
  SINGLE,
  /**
   * Each MIG profile is its own resource {@code mig-<profile>}; GPUs without MIG stay {@code gpu}.
   */
  MIXED;

  /** The name used in configuration: {@code none}, {@code single} or {@code mixed}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException with one line naming the value and the choices
   */
  public static MigStrategy parse(String value) {
    for (MigStrategy strategy : values()) {
      if (strategy.configName().equals(value)) {
        return strategy;
      }
    }
    throw new IllegalArgumentException(
        "mig strategy \""
            + value
            + "\" is not one of "
            + Arrays.stream(values())
                .map(MigStrategy::configName)
                .collect(Collectors.joining(", ")));
  }
}

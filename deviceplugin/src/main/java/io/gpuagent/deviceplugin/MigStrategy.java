package io.gpuagent.deviceplugin;

import java.util.Locale;

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
}

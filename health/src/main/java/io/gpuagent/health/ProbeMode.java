package io.gpuagent.health;

import java.util.Locale;

/** When the scheduler probes a device. */
public enum ProbeMode {
  /** Only while no compute process runs on the device, so a probe never competes with work. */
  IDLE_ONLY,
  /** On schedule whatever runs on the device. */
  ALWAYS,
  /** Never on schedule (explicit {@code probeNow} still runs). */
  NEVER;

  /** {@code idle-only}, {@code always} or {@code never}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * @throws IllegalArgumentException naming the word when it is none of the three
   */
  public static ProbeMode fromWord(String word) {
    for (ProbeMode mode : values()) {
      if (mode.word().equals(word)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "probe mode must be idle-only, always or never, got \"" + word + "\"");
  }
}

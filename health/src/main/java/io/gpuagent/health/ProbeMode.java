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
}

package io.gpuagent.nvml;

import java.util.EnumSet;
import java.util.Set;

/** The bit mask of {@code nvmlClocksEventReason*}: why clocks are below their maximum. */
public record ClockEventReasons(long mask) {

  /** One bit of the mask. */
  public enum Reason {
    GPU_IDLE(0x1L),
    APPLICATIONS_CLOCKS_SETTING(0x2L),
    SW_POWER_CAP(0x4L),
    HW_SLOWDOWN(0x8L),
    SYNC_BOOST(0x10L),
    SW_THERMAL_SLOWDOWN(0x20L),
    HW_THERMAL_SLOWDOWN(0x40L),
    HW_POWER_BRAKE_SLOWDOWN(0x80L),
    DISPLAY_CLOCK_SETTING(0x100L);

    private final long bit;

    Reason(long bit) {
      this.bit = bit;
    }

    public long bit() {
      return bit;
    }
  }

  public boolean has(Reason reason) {
    return (mask & reason.bit) != 0;
  }

  public Set<Reason> reasons() {
    Set<Reason> set = EnumSet.noneOf(Reason.class);
    for (Reason reason : Reason.values()) {
      if (has(reason)) {
        set.add(reason);
      }
    }
    return set;
  }
}

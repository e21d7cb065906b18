package io.gpuagent.nvml;

import java.util.EnumSet;
import java.util.Set;

/** {@code nvmlEventType*} bits. */
public enum EventType {
  SINGLE_BIT_ECC_ERROR(0x1L),
  DOUBLE_BIT_ECC_ERROR(0x2L),
  PSTATE(0x4L),
  XID_CRITICAL_ERROR(0x8L),
  CLOCK(0x10L),
  POWER_SOURCE_CHANGE(0x80L),
  MIG_CONFIG_CHANGE(0x100L);

  private final long bit;

  EventType(long bit) {
    this.bit = bit;
  }

  public long bit() {
    return bit;
  }

  public static long mask(Set<EventType> types) {
    long mask = 0;
    for (EventType type : types) {
      mask |= type.bit;
    }
    return mask;
  }

  public static Set<EventType> fromMask(long mask) {
    Set<EventType> set = EnumSet.noneOf(EventType.class);
    for (EventType type : values()) {
      if ((mask & type.bit) != 0) {
        set.add(type);
      }
    }
    return set;
  }
}

package io.gpuagent.nvml;

import java.util.Arrays;

/** {@code nvmlGpuTopologyLevel_t}: lower is closer. */
public enum TopologyLevel {
  /** The same board (e.g. two GPUs of one card). */
  INTERNAL(0),
  /** One PCIe switch between them. */
  SINGLE(10),
  /** Several PCIe switches, no host bridge. */
  MULTIPLE(20),
  /** The same host bridge. */
  HOSTBRIDGE(30),
  /** The same NUMA node (CPU socket). */
  NODE(40),
  /** Across sockets (SMP interconnect). */
  SYSTEM(50);

  private final int code;

  TopologyLevel(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static TopologyLevel fromCode(int code) {
    return Arrays.stream(values())
        .filter(level -> level.code == code)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown topology level " + code));
  }
}

package io.gpuagent.deviceplugin.allocation;

import io.gpuagent.nvml.TopologyLevel;

/**
 * How well two GPUs talk: the NVLinks between them (for GPUs on one NVSwitch fabric, the links each
 * has into the switches they share) and the closest PCIe level they share. One link is worth more
 * than any PCIe difference, so NVLink decides and PCIe / NUMA locality breaks ties, which is what
 * matters on NVSwitch nodes where every pair has the same NVLink bandwidth.
 */
public record PairScore(int nvLinks, TopologyLevel pcie) {

  /** Per NVLink; above the widest PCIe gap (INTERNAL 60 vs SYSTEM 10). */
  static final int NVLINK_WEIGHT = 100;

  /**
   * Two devices on one GPU (MIG devices, memory slices): above any NVLink pair, whose best is 18
   * links on Hopper (36 on parts to come) plus the PCIe part.
   */
  public static final int SAME_GPU = 10_000;

  public PairScore {
    if (nvLinks < 0) {
      throw new IllegalArgumentException("nvLinks must not be negative, got " + nvLinks);
    }
  }

  public int value() {
    return nvLinks * NVLINK_WEIGHT + pcieValue(pcie);
  }

  /** The scale NVIDIA's gpuallocator uses for PCIe: closer is higher. */
  static int pcieValue(TopologyLevel level) {
    return switch (level) {
      case INTERNAL -> 60;
      case SINGLE -> 50;
      case MULTIPLE -> 40;
      case HOSTBRIDGE -> 30;
      case NODE -> 20;
      case SYSTEM -> 10;
    };
  }
}

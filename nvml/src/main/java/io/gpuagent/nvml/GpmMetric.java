package io.gpuagent.nvml;

/**
 * {@code nvmlGpmMetricId_t} values gpu-agent reads. Activity metrics are 0–100 percent; the PCIe
 * metrics are MiB per second (nvml.h), so DCGM's {@code PROF_PCIE_*_BYTES} need × 1,048,576.
 */
public enum GpmMetric {
  GRAPHICS_UTIL(1),
  SM_UTIL(2),
  SM_OCCUPANCY(3),
  INTEGER_UTIL(4),
  ANY_TENSOR_UTIL(5),
  DFMA_TENSOR_UTIL(6),
  HMMA_TENSOR_UTIL(7),
  IMMA_TENSOR_UTIL(9),
  DRAM_BW_UTIL(10),
  FP64_UTIL(11),
  FP32_UTIL(12),
  FP16_UTIL(13),
  /** MiB per second. */
  PCIE_TX_PER_SEC(20),
  /** MiB per second. */
  PCIE_RX_PER_SEC(21);

  private final int id;

  GpmMetric(int id) {
    this.id = id;
  }

  public int id() {
    return id;
  }
}

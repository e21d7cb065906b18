package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.GpmMetric;
import io.gpuagent.nvml.GpmSample;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.PcieCounter;
import io.gpuagent.nvml.sim.GpuModel.Feature;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * A GPM sample of a simulated GPU: the counters at one instant. Metrics between two samples are the
 * counters' growth divided by the time between them, as {@code nvmlGpmMetricsGet} computes them;
 * activity metrics are 0–100 percent, PCIe in bytes per second.
 */
final class SimGpmSample implements GpmSample {

  /**
   * How the simulated work splits over the GPU's pipes, relative to overall activity: a mixed
   * training job, tensor-heavy, little FP64. GPM reports each pipe's share of the time.
   */
  private static final double MIB = 1024.0 * 1024.0;

  private static final Map<GpmMetric, Double> SHARE_OF_ACTIVITY = new EnumMap<>(GpmMetric.class);

  static {
    SHARE_OF_ACTIVITY.put(GpmMetric.GRAPHICS_UTIL, 1.0);
    SHARE_OF_ACTIVITY.put(GpmMetric.SM_UTIL, 0.97);
    SHARE_OF_ACTIVITY.put(GpmMetric.SM_OCCUPANCY, 0.62);
    SHARE_OF_ACTIVITY.put(GpmMetric.INTEGER_UTIL, 0.12);
    SHARE_OF_ACTIVITY.put(GpmMetric.ANY_TENSOR_UTIL, 0.55);
    SHARE_OF_ACTIVITY.put(GpmMetric.DFMA_TENSOR_UTIL, 0.04);
    SHARE_OF_ACTIVITY.put(GpmMetric.HMMA_TENSOR_UTIL, 0.48);
    SHARE_OF_ACTIVITY.put(GpmMetric.IMMA_TENSOR_UTIL, 0.03);
    SHARE_OF_ACTIVITY.put(GpmMetric.DRAM_BW_UTIL, 0.45);
    SHARE_OF_ACTIVITY.put(GpmMetric.FP64_UTIL, 0.05);
    SHARE_OF_ACTIVITY.put(GpmMetric.FP32_UTIL, 0.30);
    SHARE_OF_ACTIVITY.put(GpmMetric.FP16_UTIL, 0.35);
  }

  private final SimGpu gpu;
  private final double seconds;
  private final double busySeconds;
  private final long pcieTxBytes;
  private final long pcieRxBytes;
  private volatile boolean closed;

  private SimGpmSample(SimGpu gpu, double seconds) {
    this.gpu = gpu;
    this.seconds = seconds;
    this.busySeconds = gpu.sensors.busySeconds(seconds);
    this.pcieTxBytes = gpu.sensors.pcieBytes(PcieCounter.TX_BYTES, seconds);
    this.pcieRxBytes = gpu.sensors.pcieBytes(PcieCounter.RX_BYTES, seconds);
  }

  /** {@code nvmlGpmSampleGet}: NOT_SUPPORTED before Hopper. */
  static SimGpmSample take(SimGpu gpu) {
    if (!gpu.model.supports(Feature.GPM)) {
      throw new SimRefusal(NvmlReturn.NOT_SUPPORTED, gpu.model.name() + " has no GPM");
    }
    return new SimGpmSample(gpu, gpu.node.now());
  }

  static Map<GpmMetric, Double> metrics(
      SimGpu gpu, GpmSample earlier, GpmSample later, Set<GpmMetric> wanted) {
    SimGpmSample first = sampleOf(gpu, earlier);
    SimGpmSample second = sampleOf(gpu, later);
    double interval = second.seconds - first.seconds;
    if (interval < 0) {
      throw new SimRefusal(NvmlReturn.INVALID_ARGUMENT, "the later GPM sample was taken first");
    }
    Map<GpmMetric, Double> values = new EnumMap<>(GpmMetric.class);
    if (interval == 0) {
      return values;
    }
    double activity = Math.min(100, 100 * (second.busySeconds - first.busySeconds) / interval);
    for (GpmMetric metric : wanted) {
      double value =
          switch (metric) {
            // nvml.h gives GPM's PCIe rates in MiB/s, not bytes/s.
            case PCIE_TX_PER_SEC -> (second.pcieTxBytes - first.pcieTxBytes) / interval / MIB;
            case PCIE_RX_PER_SEC -> (second.pcieRxBytes - first.pcieRxBytes) / interval / MIB;
            default -> activity * SHARE_OF_ACTIVITY.get(metric);
          };
      values.put(metric, value);
    }
    return values;
  }

  private static SimGpmSample sampleOf(SimGpu gpu, GpmSample sample) {
    if (!(sample instanceof SimGpmSample sim) || sim.gpu != gpu) {
      throw new SimRefusal(NvmlReturn.INVALID_ARGUMENT, "GPM sample is not from " + gpu.uuid);
    }
    if (sim.closed) {
      throw new SimRefusal(NvmlReturn.INVALID_ARGUMENT, "GPM sample was already freed");
    }
    return sim;
  }

  @Override
  public void close() {
    closed = true;
  }
}

package io.gpuagent.exporter.sampling;

import io.gpuagent.nvml.GpmMetric;
import io.gpuagent.nvml.GpmSample;
import io.gpuagent.nvml.NvmlDevice;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one GPU's rates need from the previous sample: its GPM sample and its NVLink byte count.
 * Rates are over the time between two samples, so the first sample of a GPU has none. Touched by
 * one sampling task at a time (a GPU never has two in flight); the task hand-over orders memory.
 */
final class RateState implements AutoCloseable {
  static final Set<GpmMetric> GPM_METRICS =
      EnumSet.of(
          GpmMetric.GRAPHICS_UTIL,
          GpmMetric.SM_UTIL,
          GpmMetric.SM_OCCUPANCY,
          GpmMetric.ANY_TENSOR_UTIL,
          GpmMetric.DRAM_BW_UTIL,
          GpmMetric.FP64_UTIL,
          GpmMetric.FP32_UTIL,
          GpmMetric.FP16_UTIL,
          GpmMetric.PCIE_TX_PER_SEC,
          GpmMetric.PCIE_RX_PER_SEC);

  private Optional<GpmSample> lastGpm = Optional.empty();
  private Optional<Long> lastNvLinkKiB = Optional.empty();
  private Instant lastNvLinkAt = Instant.EPOCH;

  /** Takes a GPM sample and returns the metrics since the previous one (empty the first time). */
  Map<GpmMetric, Double> gpmSince(NvmlDevice device) {
    GpmSample now = device.gpmSample();
    Optional<GpmSample> earlier = lastGpm;
    lastGpm = Optional.of(now);
    if (earlier.isEmpty()) {
      return Map.of();
    }
    try {
      return device.gpmMetrics(earlier.get(), now, GPM_METRICS);
    } finally {
      earlier.get().close();
    }
  }

  /** NVLink traffic in MB/s since the previous reading; empty the first time or after a reset. */
  Optional<Double> nvLinkMegabytesPerSecond(long totalKiB, Instant at) {
    Optional<Long> earlierKiB = lastNvLinkKiB;
    Instant earlierAt = lastNvLinkAt;
    lastNvLinkKiB = Optional.of(totalKiB);
    lastNvLinkAt = at;
    double seconds = Duration.between(earlierAt, at).toNanos() / 1e9;
    if (earlierKiB.isEmpty() || seconds <= 0 || totalKiB < earlierKiB.get()) {
      return Optional.empty();
    }
    return Optional.of((totalKiB - earlierKiB.get()) * 1024.0 / 1e6 / seconds);
  }

  @Override
  public void close() {
    lastGpm.ifPresent(GpmSample::close);
    lastGpm = Optional.empty();
  }
}

package io.gpuagent.exporter.sampling;

import io.gpuagent.nvml.GpmMetric;
import io.gpuagent.nvml.MemoryInfo;
import io.gpuagent.nvml.NvLinkThroughput;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.ProcessInfo;
import io.gpuagent.nvml.RemappedRows;
import io.gpuagent.nvml.RetiredPages;
import io.gpuagent.nvml.Utilization;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One device's NVML answers during one sample. Calls that several fields share (utilization,
 * memory, remapped rows, GPM) are made once. A call that fails is counted and reads as absent,
 * except a lost GPU, which is thrown so the whole device drops out of the sample.
 */
final class DeviceReader {
  private final NvmlDevice device;
  private final NvmlErrors errors;
  private final Optional<RateState> rates;
  private final Clock clock;

  private Optional<Utilization> utilization;
  private Optional<MemoryInfo> memory;
  private Optional<RemappedRows> remappedRows;
  private Optional<RetiredPages> retiredPages;
  private Map<GpmMetric, Double> gpm;

  DeviceReader(NvmlDevice device, NvmlErrors errors, Optional<RateState> rates, Clock clock) {
    this.device = device;
    this.errors = errors;
    this.rates = rates;
    this.clock = clock;
  }

  /** One NVML query; NOT_SUPPORTED (an empty answer) and counted failures read as absent. */
  <T> Optional<T> read(Function<NvmlDevice, Optional<T>> query) {
    try {
      return query.apply(device);
    } catch (NvmlException e) {
      errors.count(e);
      if (e.isDeviceLost()) {
        throw e;
      }
      return Optional.empty();
    }
  }

  <N extends Number> Optional<Double> number(Function<NvmlDevice, Optional<N>> query) {
    return read(query).map(Number::doubleValue);
  }

  Optional<Utilization> utilization() {
    if (utilization == null) {
      utilization = read(NvmlDevice::utilization);
    }
    return utilization;
  }

  Optional<MemoryInfo> memory() {
    if (memory == null) {
      memory = read(d -> Optional.of(d.memoryInfo()));
    }
    return memory;
  }

  Optional<RemappedRows> remappedRows() {
    if (remappedRows == null) {
      remappedRows = read(NvmlDevice::remappedRows);
    }
    return remappedRows;
  }

  Optional<RetiredPages> retiredPages() {
    if (retiredPages == null) {
      retiredPages = read(NvmlDevice::retiredPages);
    }
    return retiredPages;
  }

  /** A GPM metric since the previous sample, as NVML gives it; absent without GPM. */
  Optional<Double> gpm(GpmMetric metric) {
    if (gpm == null) {
      gpm =
          rates
              .flatMap(
                  state ->
                      read(
                          d ->
                              d.gpmSupported() ? Optional.of(state.gpmSince(d)) : Optional.empty()))
              .orElse(Map.of());
    }
    return Optional.ofNullable(gpm.get(metric));
  }

  /** Data over all active NVLinks (both directions) in MB/s since the previous sample. */
  Optional<Double> nvLinkMegabytesPerSecond() {
    if (rates.isEmpty()) {
      return Optional.empty();
    }
    Optional<NvLinkThroughput> total = read(NvmlDevice::nvLinkThroughputTotal);
    return total.flatMap(
        kib -> rates.get().nvLinkMegabytesPerSecond(kib.txKiB() + kib.rxKiB(), clock.instant()));
  }

  /** Memory of the device's compute processes; empty when NVML does not say for any of them. */
  Optional<Long> processMemoryBytes() {
    Optional<List<ProcessInfo>> processes = read(d -> Optional.of(d.computeRunningProcesses()));
    return processes.flatMap(
        list -> {
          if (list.isEmpty()) {
            return Optional.of(0L);
          }
          List<Long> known = list.stream().flatMap(p -> p.usedMemoryBytes().stream()).toList();
          return known.isEmpty()
              ? Optional.empty()
              : Optional.of(known.stream().mapToLong(Long::longValue).sum());
        });
  }
}

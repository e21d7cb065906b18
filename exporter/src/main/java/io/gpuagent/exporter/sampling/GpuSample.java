package io.gpuagent.exporter.sampling;

import io.gpuagent.exporter.counters.DcgmField;
import io.gpuagent.nvml.ClockEventReasons;
import io.gpuagent.nvml.EccErrorType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one sample read from one GPU, in DCGM units. Fields NVML did not answer are absent from
 * {@code values}, never zero. {@code processMemoryBytes} is the compute processes' memory (empty
 * when NVML would not tell). Immutable.
 */
public record GpuSample(
    String uuid,
    Map<DcgmField, Double> values,
    Optional<ClockEventReasons> clockEventReasons,
    Map<EccErrorType, Long> volatileEccErrors,
    Optional<Long> processMemoryBytes,
    List<MigSample> migDevices) {

  public GpuSample {
    values = Map.copyOf(values);
    volatileEccErrors = Map.copyOf(volatileEccErrors);
    migDevices = List.copyOf(migDevices);
  }

  /** What one sample read from one MIG device of the GPU. */
  public record MigSample(
      String uuid, Map<DcgmField, Double> values, Optional<Long> processMemoryBytes) {
    public MigSample {
      values = Map.copyOf(values);
    }
  }
}

package io.gpuagent.nvml.jna;

import static io.gpuagent.nvml.jna.NvmlCalls.INSUFFICIENT_SIZE;
import static io.gpuagent.nvml.jna.NvmlCalls.NOT_FOUND;
import static io.gpuagent.nvml.jna.NvmlCalls.NOT_SUPPORTED;
import static io.gpuagent.nvml.jna.NvmlCalls.SUCCESS;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import io.gpuagent.nvml.ProcessInfo;
import io.gpuagent.nvml.ProcessUtilization;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Process lists. NVML sizes them with a first call that only counts; processes start between that
 * call and the next, so the buffer gets a margin and the read is retried a few times.
 */
final class ProcessQueries {

  private static final int MARGIN = 8;
  private static final int ATTEMPTS = 3;

  /** {@code NVML_VALUE_NOT_AVAILABLE} as an {@code unsigned long long}. */
  private static final long VALUE_NOT_AVAILABLE = -1L;

  private static final String RUNNING = "nvmlDeviceGetComputeRunningProcesses_v3";
  private static final String UTILIZATION = "nvmlDeviceGetProcessUtilization";

  private ProcessQueries() {}

  static List<ProcessInfo> running(NvmlLibrary functions, Pointer device) {
    IntByReference count = new IntByReference(0);
    int rc = functions.nvmlDeviceGetComputeRunningProcesses_v3(device, count, null);
    for (int attempt = 0; rc == INSUFFICIENT_SIZE && attempt < ATTEMPTS; attempt++) {
      int capacity = count.getValue() + MARGIN;
      DeviceStructures.ProcessInfo[] infos =
          (DeviceStructures.ProcessInfo[]) new DeviceStructures.ProcessInfo().toArray(capacity);
      count.setValue(capacity);
      rc = functions.nvmlDeviceGetComputeRunningProcesses_v3(device, count, infos);
      if (rc == SUCCESS) {
        return toProcesses(infos, count.getValue());
      }
    }
    if (rc == NOT_SUPPORTED) {
      return List.of();
    }
    NvmlCalls.check(RUNNING, rc);
    return List.of();
  }

  private static List<ProcessInfo> toProcesses(DeviceStructures.ProcessInfo[] infos, int count) {
    List<ProcessInfo> processes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      DeviceStructures.ProcessInfo info = infos[i];
      processes.add(
          new ProcessInfo(
              info.pid,
              info.usedGpuMemory == VALUE_NOT_AVAILABLE
                  ? Optional.empty()
                  : Optional.of(info.usedGpuMemory),
              NvmlCalls.instanceId(info.gpuInstanceId),
              NvmlCalls.instanceId(info.computeInstanceId)));
    }
    return List.copyOf(processes);
  }

  /** NOT_FOUND means no sample newer than {@code sinceMicros}: an empty list. */
  static List<ProcessUtilization> utilization(
      NvmlLibrary functions, Pointer device, long sinceMicros) {
    IntByReference count = new IntByReference(0);
    int rc = functions.nvmlDeviceGetProcessUtilization(device, null, count, sinceMicros);
    for (int attempt = 0; rc == INSUFFICIENT_SIZE && attempt < ATTEMPTS; attempt++) {
      int capacity = count.getValue() + MARGIN;
      DeviceStructures.ProcessUtilizationSample[] samples =
          (DeviceStructures.ProcessUtilizationSample[])
              new DeviceStructures.ProcessUtilizationSample().toArray(capacity);
      count.setValue(capacity);
      rc = functions.nvmlDeviceGetProcessUtilization(device, samples, count, sinceMicros);
      if (rc == SUCCESS) {
        return toUtilizations(samples, count.getValue());
      }
    }
    if (rc == NOT_SUPPORTED || rc == NOT_FOUND) {
      return List.of();
    }
    NvmlCalls.check(UTILIZATION, rc);
    return List.of();
  }

  private static List<ProcessUtilization> toUtilizations(
      DeviceStructures.ProcessUtilizationSample[] samples, int count) {
    List<ProcessUtilization> utilizations = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      DeviceStructures.ProcessUtilizationSample sample = samples[i];
      utilizations.add(
          new ProcessUtilization(
              sample.pid,
              sample.timeStamp,
              sample.smUtil,
              sample.memUtil,
              sample.encUtil,
              sample.decUtil));
    }
    return List.copyOf(utilizations);
  }
}

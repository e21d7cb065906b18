package io.gpuagent.nvml;

import java.util.ArrayList;
import java.util.List;

/**
 * The one way gpu-agent talks to GPUs. Two implementations: {@code JnaNvml} (the real {@code
 * libnvidia-ml.so.1}) and {@code sim.SimulatedNode}. Every method may throw {@link NvmlException};
 * "not supported" is an empty {@code Optional}, never an exception.
 *
 * <p>Implementations are thread-safe: the sampler, the health watcher and HTTP handlers call them
 * concurrently.
 */
public interface Nvml extends AutoCloseable {

  /** {@code nvmlInit_v2}. Must be called before anything else. */
  void init();

  /** {@code nvmlShutdown}. Idempotent. */
  void shutdown();

  @Override
  default void close() {
    shutdown();
  }

  /** E.g. {@code 550.54.15}. */
  String driverVersion();

  /** E.g. {@code 12.550.54.15}. */
  String nvmlVersion();

  /** {@code nvmlSystemGetCudaDriverVersion_v2}, e.g. 12040 for CUDA 12.4. */
  int cudaDriverVersion();

  /** Number of physical GPUs ({@code nvmlDeviceGetCount_v2}); MIG devices are not counted. */
  int deviceCount();

  NvmlDevice deviceByIndex(int index);

  /** A GPU ({@code GPU-…}) or MIG device ({@code MIG-…}) by UUID; NOT_FOUND is thrown. */
  NvmlDevice deviceByUuid(String uuid);

  /** {@code nvmlDeviceGetTopologyCommonAncestor}: the closest PCIe level the two GPUs share. */
  TopologyLevel topologyCommonAncestor(NvmlDevice first, NvmlDevice second);

  /** {@code nvmlEventSetCreate}. Close it to free it. */
  EventSet createEventSet();

  /** All physical GPUs in index order. */
  default List<NvmlDevice> devices() {
    int count = deviceCount();
    List<NvmlDevice> devices = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      devices.add(deviceByIndex(i));
    }
    return List.copyOf(devices);
  }
}

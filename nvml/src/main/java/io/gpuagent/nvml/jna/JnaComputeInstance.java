package io.gpuagent.nvml.jna;

import static io.gpuagent.nvml.jna.NvmlCalls.check;

import com.sun.jna.Pointer;
import io.gpuagent.nvml.ComputeInstance;
import io.gpuagent.nvml.ComputeInstanceInfo;
import io.gpuagent.nvml.Placement;

/** An {@code nvmlComputeInstance_t}. */
final class JnaComputeInstance implements ComputeInstance {

  private final JnaNvml nvml;
  private final Pointer handle;

  JnaComputeInstance(JnaNvml nvml, Pointer handle) {
    this.nvml = nvml;
    this.handle = handle;
  }

  /** NVML gives the parent as a handle; its id comes from that instance's own info. */
  @Override
  public ComputeInstanceInfo info() {
    NvmlLibrary functions = nvml.functions();
    MigStructures.ComputeInstanceInfo info = new MigStructures.ComputeInstanceInfo();
    check("nvmlComputeInstanceGetInfo_v2", functions.nvmlComputeInstanceGetInfo_v2(handle, info));
    int gpuInstanceId = JnaGpuInstance.info(functions, info.gpuInstance).id();
    return new ComputeInstanceInfo(
        info.id,
        info.profileId,
        gpuInstanceId,
        new Placement(info.placementStart, info.placementSize));
  }

  @Override
  public void destroy() {
    check("nvmlComputeInstanceDestroy", nvml.functions().nvmlComputeInstanceDestroy(handle));
  }

  @Override
  public String toString() {
    return "ComputeInstance[" + handle + "]";
  }
}

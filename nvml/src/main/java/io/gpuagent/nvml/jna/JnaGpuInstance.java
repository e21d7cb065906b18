package io.gpuagent.nvml.jna;

import static io.gpuagent.nvml.jna.NvmlCalls.INVALID_ARGUMENT;
import static io.gpuagent.nvml.jna.NvmlCalls.check;
import static io.gpuagent.nvml.jna.NvmlCalls.supported;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.gpuagent.nvml.ComputeInstance;
import io.gpuagent.nvml.ComputeInstanceProfile;
import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.GpuInstanceInfo;
import io.gpuagent.nvml.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An {@code nvmlGpuInstance_t}. */
final class JnaGpuInstance implements GpuInstance {

  /** {@code NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED}, the only engine profile NVML has. */
  private static final int ENGINE_PROFILE_SHARED = 0;

  private final JnaNvml nvml;
  private final Pointer handle;

  JnaGpuInstance(JnaNvml nvml, Pointer handle) {
    this.nvml = nvml;
    this.handle = handle;
  }

  static GpuInstanceInfo info(NvmlLibrary functions, Pointer gpuInstance) {
    MigStructures.GpuInstanceInfo info = new MigStructures.GpuInstanceInfo();
    check("nvmlGpuInstanceGetInfo", functions.nvmlGpuInstanceGetInfo(gpuInstance, info));
    return new GpuInstanceInfo(
        info.id, info.profileId, new Placement(info.placementStart, info.placementSize));
  }

  @Override
  public GpuInstanceInfo info() {
    return info(nvml.functions(), handle);
  }

  /** Empty for a profile index that does not fit (NOT_SUPPORTED or INVALID_ARGUMENT). */
  @Override
  public Optional<ComputeInstanceProfile> computeInstanceProfile(int profileIndex) {
    MigStructures.ComputeInstanceProfileInfo info = new MigStructures.ComputeInstanceProfileInfo();
    int rc =
        nvml.functions()
            .nvmlGpuInstanceGetComputeInstanceProfileInfo(
                handle, profileIndex, ENGINE_PROFILE_SHARED, info);
    if (rc == INVALID_ARGUMENT || !supported("nvmlGpuInstanceGetComputeInstanceProfileInfo", rc)) {
      return Optional.empty();
    }
    return Optional.of(
        new ComputeInstanceProfile(
            info.id,
            info.sliceCount,
            info.instanceCount,
            info.multiprocessorCount,
            info.sharedCopyEngineCount,
            info.sharedDecoderCount,
            info.sharedEncoderCount,
            info.sharedJpegCount,
            info.sharedOfaCount));
  }

  @Override
  public ComputeInstance createComputeInstance(int profileId) {
    PointerByReference created = new PointerByReference();
    check(
        "nvmlGpuInstanceCreateComputeInstance",
        nvml.functions().nvmlGpuInstanceCreateComputeInstance(handle, profileId, created));
    return new JnaComputeInstance(nvml, created.getValue());
  }

  @Override
  public List<ComputeInstance> computeInstances(int profileId) {
    Memory handles = new Memory((long) MigQueries.INSTANCE_CAPACITY * Native.POINTER_SIZE);
    IntByReference count = new IntByReference(MigQueries.INSTANCE_CAPACITY);
    int rc = nvml.functions().nvmlGpuInstanceGetComputeInstances(handle, profileId, handles, count);
    if (!supported("nvmlGpuInstanceGetComputeInstances", rc)) {
      return List.of();
    }
    List<ComputeInstance> instances = new ArrayList<>(count.getValue());
    for (int i = 0; i < count.getValue(); i++) {
      instances.add(
          new JnaComputeInstance(nvml, handles.getPointer((long) i * Native.POINTER_SIZE)));
    }
    return List.copyOf(instances);
  }

  @Override
  public void destroy() {
    check("nvmlGpuInstanceDestroy", nvml.functions().nvmlGpuInstanceDestroy(handle));
  }

  @Override
  public String toString() {
    return "GpuInstance[" + handle + "]";
  }
}

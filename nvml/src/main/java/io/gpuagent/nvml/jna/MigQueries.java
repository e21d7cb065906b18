package io.gpuagent.nvml.jna;

import static io.gpuagent.nvml.jna.NvmlCalls.INVALID_ARGUMENT;
import static io.gpuagent.nvml.jna.NvmlCalls.NOT_FOUND;
import static io.gpuagent.nvml.jna.NvmlCalls.NOT_SUPPORTED;
import static io.gpuagent.nvml.jna.NvmlCalls.check;
import static io.gpuagent.nvml.jna.NvmlCalls.supported;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.GpuInstanceProfile;
import io.gpuagent.nvml.MigMode;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** MIG on a physical GPU: the mode, its MIG device slots, GPU-instance profiles and instances. */
final class MigQueries {

  /**
   * Room for GPU or compute instance handles. NVML wants a buffer as large as the profile's
   * instance count but does not take its size; no GPU has more than 7 instances of a profile.
   */
  static final int INSTANCE_CAPACITY = 32;

  private MigQueries() {}

  static Optional<MigMode> migMode(NvmlLibrary functions, Pointer device) {
    IntByReference current = new IntByReference();
    IntByReference pending = new IntByReference();
    int rc = functions.nvmlDeviceGetMigMode(device, current, pending);
    if (!supported("nvmlDeviceGetMigMode", rc)) {
      return Optional.empty();
    }
    return Optional.of(new MigMode(current.getValue() != 0, pending.getValue() != 0));
  }

  static NvmlReturn setMigMode(NvmlLibrary functions, Pointer device, boolean enabled) {
    IntByReference activation = new IntByReference();
    int rc = functions.nvmlDeviceSetMigMode(device, enabled ? 1 : 0, activation);
    if (rc == NOT_SUPPORTED) {
      return NvmlReturn.NOT_SUPPORTED;
    }
    check("nvmlDeviceSetMigMode", rc);
    return NvmlReturn.fromCode(activation.getValue());
  }

  static int maxMigDeviceCount(NvmlLibrary functions, Pointer device) {
    return NvmlCalls.optionalInt(
            "nvmlDeviceGetMaxMigDeviceCount",
            out -> functions.nvmlDeviceGetMaxMigDeviceCount(device, out))
        .orElse(0);
  }

  /** The MIG device in a slot; an empty slot answers NOT_FOUND (or INVALID_ARGUMENT). */
  static Optional<JnaDevice> migDevice(JnaNvml nvml, Pointer device, int slot) {
    return migHandle(nvml.functions(), device, slot)
        .map(mig -> new JnaDevice(nvml, mig, DeviceHandle.readUuid(nvml, mig), slot, true));
  }

  private static Optional<Pointer> migHandle(NvmlLibrary functions, Pointer device, int slot) {
    PointerByReference mig = new PointerByReference();
    int rc = functions.nvmlDeviceGetMigDeviceHandleByIndex(device, slot, mig);
    if (rc == NOT_FOUND || rc == INVALID_ARGUMENT || rc == NOT_SUPPORTED) {
      return Optional.empty();
    }
    check("nvmlDeviceGetMigDeviceHandleByIndex", rc);
    return Optional.of(mig.getValue());
  }

  /** A MIG device found by UUID or event: its slot is found by matching UUIDs in the parent. */
  static JnaDevice migDeviceFromHandle(JnaNvml nvml, Pointer mig) {
    NvmlLibrary functions = nvml.functions();
    String uuid = DeviceHandle.readUuid(nvml, mig);
    Pointer parent = parentHandle(functions, mig);
    int slots = maxMigDeviceCount(functions, parent);
    for (int slot = 0; slot < slots; slot++) {
      Optional<Pointer> candidate = migHandle(functions, parent, slot);
      if (candidate.isPresent() && DeviceHandle.readUuid(nvml, candidate.get()).equals(uuid)) {
        return new JnaDevice(nvml, mig, uuid, slot, true);
      }
    }
    throw new NvmlException(
        "nvmlDeviceGetMigDeviceHandleByIndex",
        NvmlReturn.NOT_FOUND,
        "MIG device " + uuid + " is in no MIG slot of its parent GPU");
  }

  static JnaDevice parent(JnaNvml nvml, Pointer mig) {
    return nvml.device(parentHandle(nvml.functions(), mig));
  }

  private static Pointer parentHandle(NvmlLibrary functions, Pointer mig) {
    PointerByReference parent = new PointerByReference();
    check(
        "nvmlDeviceGetDeviceHandleFromMigDeviceHandle",
        functions.nvmlDeviceGetDeviceHandleFromMigDeviceHandle(mig, parent));
    return parent.getValue();
  }

  /** Empty for a profile index this GPU does not offer (NOT_SUPPORTED or INVALID_ARGUMENT). */
  static Optional<GpuInstanceProfile> gpuInstanceProfile(
      NvmlLibrary functions, Pointer device, int profileIndex) {
    MigStructures.GpuInstanceProfileInfoV2 info =
        MigStructures.GpuInstanceProfileInfoV2.versioned();
    int rc = functions.nvmlDeviceGetGpuInstanceProfileInfoV(device, profileIndex, info);
    if (rc == INVALID_ARGUMENT || !supported("nvmlDeviceGetGpuInstanceProfileInfoV", rc)) {
      return Optional.empty();
    }
    return Optional.of(
        new GpuInstanceProfile(
            info.id,
            info.isP2pSupported != 0,
            info.sliceCount,
            info.instanceCount,
            info.multiprocessorCount,
            info.copyEngineCount,
            info.decoderCount,
            info.encoderCount,
            info.jpegCount,
            info.ofaCount,
            info.memorySizeMB,
            NvmlCalls.decode(info.name)));
  }

  static List<Placement> possiblePlacements(NvmlLibrary functions, Pointer device, int profileId) {
    String function = "nvmlDeviceGetGpuInstancePossiblePlacements_v2";
    IntByReference count = new IntByReference(0);
    int rc =
        functions.nvmlDeviceGetGpuInstancePossiblePlacements_v2(device, profileId, null, count);
    if (!supported(function, rc) || count.getValue() == 0) {
      return List.of();
    }
    MigStructures.Placement[] placements =
        (MigStructures.Placement[]) new MigStructures.Placement().toArray(count.getValue());
    check(
        function,
        functions.nvmlDeviceGetGpuInstancePossiblePlacements_v2(
            device, profileId, placements, count));
    List<Placement> result = new ArrayList<>(count.getValue());
    for (int i = 0; i < count.getValue(); i++) {
      result.add(new Placement(placements[i].start, placements[i].size));
    }
    return List.copyOf(result);
  }

  static GpuInstance createGpuInstance(JnaNvml nvml, Pointer device, int profileId) {
    PointerByReference instance = new PointerByReference();
    check(
        "nvmlDeviceCreateGpuInstance",
        nvml.functions().nvmlDeviceCreateGpuInstance(device, profileId, instance));
    return new JnaGpuInstance(nvml, instance.getValue());
  }

  static GpuInstance createGpuInstance(
      JnaNvml nvml, Pointer device, int profileId, Placement placement) {
    MigStructures.Placement requested = new MigStructures.Placement();
    requested.start = placement.start();
    requested.size = placement.size();
    PointerByReference instance = new PointerByReference();
    check(
        "nvmlDeviceCreateGpuInstanceWithPlacement",
        nvml.functions()
            .nvmlDeviceCreateGpuInstanceWithPlacement(device, profileId, requested, instance));
    return new JnaGpuInstance(nvml, instance.getValue());
  }

  /** Empty while MIG mode is off (NOT_SUPPORTED). */
  static List<GpuInstance> gpuInstances(JnaNvml nvml, Pointer device, int profileId) {
    Memory handles = new Memory((long) INSTANCE_CAPACITY * Native.POINTER_SIZE);
    IntByReference count = new IntByReference(INSTANCE_CAPACITY);
    int rc = nvml.functions().nvmlDeviceGetGpuInstances(device, profileId, handles, count);
    if (!supported("nvmlDeviceGetGpuInstances", rc)) {
      return List.of();
    }
    List<GpuInstance> instances = new ArrayList<>(count.getValue());
    for (int i = 0; i < count.getValue(); i++) {
      instances.add(new JnaGpuInstance(nvml, handles.getPointer((long) i * Native.POINTER_SIZE)));
    }
    return List.copyOf(instances);
  }

  static GpuInstance gpuInstanceById(JnaNvml nvml, Pointer device, int id) {
    PointerByReference instance = new PointerByReference();
    check(
        "nvmlDeviceGetGpuInstanceById",
        nvml.functions().nvmlDeviceGetGpuInstanceById(device, id, instance));
    return new JnaGpuInstance(nvml, instance.getValue());
  }
}

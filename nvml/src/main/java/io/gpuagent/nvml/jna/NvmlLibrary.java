package io.gpuagent.nvml.jna;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The functions of {@code libnvidia-ml.so.1} that gpu-agent uses, with the signatures of NVIDIA's
 * {@code nvml.h}. Every function returns an {@code nvmlReturn_t}. Handles ({@code nvmlDevice_t},
 * {@code nvmlGpuInstance_t}, {@code nvmlComputeInstance_t}, {@code nvmlEventSet_t}, {@code
 * nvmlGpmSample_t}) are opaque pointers. Public only because JNA proxies it.
 */
public interface NvmlLibrary extends Library {

  // ---- system --------------------------------------------------------------------------------

  int nvmlInit_v2();

  int nvmlShutdown();

  int nvmlSystemGetDriverVersion(byte[] version, int length);

  int nvmlSystemGetNVMLVersion(byte[] version, int length);

  int nvmlSystemGetCudaDriverVersion_v2(IntByReference version);

  int nvmlDeviceGetCount_v2(IntByReference count);

  int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

  int nvmlDeviceGetHandleByUUID(String uuid, PointerByReference device);

  int nvmlDeviceGetTopologyCommonAncestor(Pointer first, Pointer second, IntByReference level);

  // ---- identity ------------------------------------------------------------------------------

  int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

  int nvmlDeviceGetIndex(Pointer device, IntByReference index);

  int nvmlDeviceGetName(Pointer device, byte[] name, int length);

  int nvmlDeviceGetBrand(Pointer device, IntByReference brand);

  int nvmlDeviceGetArchitecture(Pointer device, IntByReference architecture);

  int nvmlDeviceGetCudaComputeCapability(
      Pointer device, IntByReference major, IntByReference minor);

  int nvmlDeviceGetPciInfo_v3(Pointer device, DeviceStructures.PciInfo pci);

  int nvmlDeviceGetSerial(Pointer device, byte[] serial, int length);

  int nvmlDeviceGetMinorNumber(Pointer device, IntByReference minor);

  /** Newer than the rest: older drivers do not export it. */
  int nvmlDeviceGetNumaNodeId(Pointer device, IntByReference node);

  // ---- memory, load, thermals, power, clocks -------------------------------------------------

  int nvmlDeviceGetMemoryInfo_v2(Pointer device, DeviceStructures.MemoryV2 memory);

  int nvmlDeviceGetUtilizationRates(Pointer device, DeviceStructures.Utilization utilization);

  int nvmlDeviceGetEncoderUtilization(
      Pointer device, IntByReference utilization, IntByReference samplingPeriodUs);

  int nvmlDeviceGetDecoderUtilization(
      Pointer device, IntByReference utilization, IntByReference samplingPeriodUs);

  int nvmlDeviceGetTemperature(Pointer device, int sensor, IntByReference celsius);

  int nvmlDeviceGetFieldValues(Pointer device, int count, DeviceStructures.FieldValue[] values);

  int nvmlDeviceGetPowerUsage(Pointer device, IntByReference milliwatts);

  int nvmlDeviceGetEnforcedPowerLimit(Pointer device, IntByReference milliwatts);

  int nvmlDeviceGetTotalEnergyConsumption(Pointer device, LongByReference millijoules);

  int nvmlDeviceGetClockInfo(Pointer device, int type, IntByReference mhz);

  int nvmlDeviceGetMaxClockInfo(Pointer device, int type, IntByReference mhz);

  /** Newer name of {@link #nvmlDeviceGetCurrentClocksThrottleReasons}. */
  int nvmlDeviceGetCurrentClocksEventReasons(Pointer device, LongByReference reasons);

  int nvmlDeviceGetCurrentClocksThrottleReasons(Pointer device, LongByReference reasons);

  int nvmlDeviceGetFanSpeed(Pointer device, IntByReference percent);

  // ---- PCIe, ECC, memory health --------------------------------------------------------------

  int nvmlDeviceGetPcieThroughput(Pointer device, int counter, IntByReference kbPerSecond);

  int nvmlDeviceGetPcieReplayCounter(Pointer device, IntByReference count);

  int nvmlDeviceGetEccMode(Pointer device, IntByReference current, IntByReference pending);

  int nvmlDeviceGetTotalEccErrors(
      Pointer device, int errorType, int counterType, LongByReference count);

  /** With a null address buffer and a count of 0 it only counts. */
  int nvmlDeviceGetRetiredPages(
      Pointer device, int cause, IntByReference pageCount, Pointer addresses);

  int nvmlDeviceGetRetiredPagesPendingStatus(Pointer device, IntByReference pending);

  int nvmlDeviceGetRemappedRows(
      Pointer device,
      IntByReference correctable,
      IntByReference uncorrectable,
      IntByReference pending,
      IntByReference failure);

  // ---- NVLink --------------------------------------------------------------------------------

  int nvmlDeviceGetNvLinkState(Pointer device, int link, IntByReference active);

  int nvmlDeviceGetNvLinkRemotePciInfo_v2(Pointer device, int link, DeviceStructures.PciInfo pci);

  // ---- processes -----------------------------------------------------------------------------

  int nvmlDeviceGetComputeRunningProcesses_v3(
      Pointer device, IntByReference count, DeviceStructures.ProcessInfo[] infos);

  int nvmlDeviceGetProcessUtilization(
      Pointer device,
      DeviceStructures.ProcessUtilizationSample[] samples,
      IntByReference count,
      long lastSeenTimestamp);

  int nvmlDeviceGetComputeMode(Pointer device, IntByReference mode);

  // ---- GPM -----------------------------------------------------------------------------------

  int nvmlGpmQueryDeviceSupport(Pointer device, GpmStructures.Support support);

  int nvmlGpmSampleAlloc(PointerByReference sample);

  int nvmlGpmSampleGet(Pointer device, Pointer sample);

  int nvmlGpmSampleFree(Pointer sample);

  int nvmlGpmMetricsGet(GpmStructures.MetricsGet metrics);

  // ---- MIG devices ---------------------------------------------------------------------------

  int nvmlDeviceGetMigMode(Pointer device, IntByReference current, IntByReference pending);

  int nvmlDeviceSetMigMode(Pointer device, int mode, IntByReference activationStatus);

  int nvmlDeviceGetMaxMigDeviceCount(Pointer device, IntByReference count);

  int nvmlDeviceGetMigDeviceHandleByIndex(Pointer device, int index, PointerByReference mig);

  int nvmlDeviceIsMigDeviceHandle(Pointer device, IntByReference isMig);

  int nvmlDeviceGetGpuInstanceId(Pointer device, IntByReference id);

  int nvmlDeviceGetComputeInstanceId(Pointer device, IntByReference id);

  int nvmlDeviceGetDeviceHandleFromMigDeviceHandle(Pointer mig, PointerByReference device);

  // ---- MIG GPU and compute instances ---------------------------------------------------------

  int nvmlDeviceGetGpuInstanceProfileInfoV(
      Pointer device, int profileIndex, MigStructures.GpuInstanceProfileInfoV2 info);

  /** With a null placement buffer it only counts. */
  int nvmlDeviceGetGpuInstancePossiblePlacements_v2(
      Pointer device, int profileId, MigStructures.Placement[] placements, IntByReference count);

  int nvmlDeviceCreateGpuInstance(Pointer device, int profileId, PointerByReference instance);

  int nvmlDeviceCreateGpuInstanceWithPlacement(
      Pointer device,
      int profileId,
      MigStructures.Placement placement,
      PointerByReference instance);

  int nvmlDeviceGetGpuInstances(
      Pointer device, int profileId, Memory instances, IntByReference count);

  int nvmlDeviceGetGpuInstanceById(Pointer device, int id, PointerByReference instance);

  int nvmlGpuInstanceGetInfo(Pointer instance, MigStructures.GpuInstanceInfo info);

  int nvmlGpuInstanceDestroy(Pointer instance);

  int nvmlGpuInstanceGetComputeInstanceProfileInfo(
      Pointer instance,
      int profileIndex,
      int engineProfile,
      MigStructures.ComputeInstanceProfileInfo info);

  int nvmlGpuInstanceCreateComputeInstance(
      Pointer instance, int profileId, PointerByReference computeInstance);

  int nvmlGpuInstanceGetComputeInstances(
      Pointer instance, int profileId, Memory computeInstances, IntByReference count);

  int nvmlComputeInstanceGetInfo_v2(
      Pointer computeInstance, MigStructures.ComputeInstanceInfo info);

  int nvmlComputeInstanceDestroy(Pointer computeInstance);

  // ---- events --------------------------------------------------------------------------------

  int nvmlEventSetCreate(PointerByReference set);

  int nvmlDeviceGetSupportedEventTypes(Pointer device, LongByReference types);

  int nvmlDeviceRegisterEvents(Pointer device, long types, Pointer set);

  int nvmlEventSetWait_v2(Pointer set, DeviceStructures.EventData data, int timeoutMs);

  int nvmlEventSetFree(Pointer set);
}

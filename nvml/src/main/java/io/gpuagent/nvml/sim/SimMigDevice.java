package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.GpmMetric;
import io.gpuagent.nvml.GpmSample;
import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.GpuInstanceProfile;
import io.gpuagent.nvml.MemoryInfo;
import io.gpuagent.nvml.MigMode;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.Placement;
import io.gpuagent.nvml.ProcessInfo;
import io.gpuagent.nvml.ProcessUtilization;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An NVML handle on a MIG device (one compute instance). As on hardware the board sensors
 * (utilization, power, temperature, clocks, ECC, PCIe, NVLink) answer NOT_SUPPORTED here: they
 * belong to the parent GPU. Memory info is the GPU instance's memory, which its compute instances
 * share. The handle goes stale when the instance is destroyed.
 */
final class SimMigDevice extends SimHandle {
  /** A MIG device reports XID errors of its own instance and nothing else. */
  private static final Set<EventType> EVENTS = EnumSet.of(EventType.XID_CRITICAL_ERROR);

  private final SimComputeInstance ci;
  private final int index;

  SimMigDevice(SimComputeInstance ci, int index) {
    super(ci.gpu(), Optional.of(ci));
    this.ci = ci;
    this.index = index;
  }

  @Override
  public String uuid() {
    return ci.uuid();
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public String name() {
    return call("nvmlDeviceGetName", ci::migDeviceName);
  }

  @Override
  public Optional<String> serial() {
    return none("nvmlDeviceGetSerial");
  }

  @Override
  public MemoryInfo memoryInfo() {
    return call("nvmlDeviceGetMemoryInfo_v2", () -> ci.gpuInstance().memory());
  }

  @Override
  public List<ProcessInfo> computeRunningProcesses() {
    return call(
        "nvmlDeviceGetComputeRunningProcesses_v3",
        () -> gpu.processesIn(ci).stream().map(SimGpu::processInfo).toList());
  }

  @Override
  public List<ProcessUtilization> processUtilization(long sinceMicros) {
    return call("nvmlDeviceGetProcessUtilization", List::of);
  }

  @Override
  public boolean gpmSupported() {
    return call("nvmlGpmQueryDeviceSupport", () -> false);
  }

  @Override
  public GpmSample gpmSample() {
    return refuse("nvmlGpmSampleGet", NvmlReturn.NOT_SUPPORTED, "GPM is sampled on the parent GPU");
  }

  @Override
  public Map<GpmMetric, Double> gpmMetrics(
      GpmSample earlier, GpmSample later, Set<GpmMetric> metrics) {
    return refuse(
        "nvmlGpmMetricsGet", NvmlReturn.NOT_SUPPORTED, "GPM is sampled on the parent GPU");
  }

  @Override
  public Optional<MigMode> migMode() {
    return none("nvmlDeviceGetMigMode");
  }

  @Override
  public NvmlReturn setMigMode(boolean enabled) {
    return refuse("nvmlDeviceSetMigMode", NvmlReturn.INVALID_ARGUMENT, "not a GPU");
  }

  @Override
  public int maxMigDeviceCount() {
    return call("nvmlDeviceGetMaxMigDeviceCount", () -> 0);
  }

  @Override
  public Optional<NvmlDevice> migDevice(int slot) {
    return refuse("nvmlDeviceGetMigDeviceHandleByIndex", NvmlReturn.INVALID_ARGUMENT, "not a GPU");
  }

  @Override
  public boolean isMigDevice() {
    return call("nvmlDeviceIsMigDeviceHandle", () -> true);
  }

  @Override
  public int gpuInstanceId() {
    return call("nvmlDeviceGetGpuInstanceId", () -> ci.gpuInstance().id());
  }

  @Override
  public int computeInstanceId() {
    return call("nvmlDeviceGetComputeInstanceId", ci::id);
  }

  @Override
  public NvmlDevice parent() {
    return call("nvmlDeviceGetDeviceHandleFromMigDeviceHandle", () -> gpu.handle);
  }

  @Override
  public Optional<GpuInstanceProfile> gpuInstanceProfile(int profileIndex) {
    return none("nvmlDeviceGetGpuInstanceProfileInfoV");
  }

  @Override
  public List<Placement> gpuInstancePossiblePlacements(int profileId) {
    return call("nvmlDeviceGetGpuInstancePossiblePlacements_v2", List::of);
  }

  @Override
  public GpuInstance createGpuInstance(int profileId) {
    return refuse("nvmlDeviceCreateGpuInstance", NvmlReturn.INVALID_ARGUMENT, "not a GPU");
  }

  @Override
  public GpuInstance createGpuInstance(int profileId, Placement placement) {
    return refuse(
        "nvmlDeviceCreateGpuInstanceWithPlacement", NvmlReturn.INVALID_ARGUMENT, "not a GPU");
  }

  @Override
  public List<GpuInstance> gpuInstances(int profileId) {
    return call("nvmlDeviceGetGpuInstances", List::of);
  }

  @Override
  public GpuInstance gpuInstanceById(int id) {
    return refuse("nvmlDeviceGetGpuInstanceById", NvmlReturn.INVALID_ARGUMENT, "not a GPU");
  }

  @Override
  public Set<EventType> supportedEventTypes() {
    return call("nvmlDeviceGetSupportedEventTypes", () -> EnumSet.copyOf(EVENTS));
  }

  @Override
  public void registerEvents(EventSet set, Set<EventType> types) {
    String function = "nvmlDeviceRegisterEvents";
    run(function, () -> gpu.node.register(set, gpu, Optional.of(ci), types, EVENTS));
  }

  /** Two handles on the same compute instance are equal, as NVML handles compare. */
  @Override
  public boolean equals(Object other) {
    return other instanceof SimMigDevice that && that.ci == ci;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(ci);
  }

  @Override
  public String toString() {
    return "SimMigDevice[" + ci.uuid() + "]";
  }

  private <T> T refuse(String function, NvmlReturn code, String why) {
    return call(
        function,
        () -> {
          throw new SimRefusal(code, ci.uuid() + " is a MIG device: " + why);
        });
  }
}

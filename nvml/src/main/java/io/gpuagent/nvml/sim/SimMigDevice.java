package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.ClockEventReasons;
import io.gpuagent.nvml.ClockType;
import io.gpuagent.nvml.EccCounterType;
import io.gpuagent.nvml.EccErrorType;
import io.gpuagent.nvml.EccMode;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.GpmMetric;
import io.gpuagent.nvml.GpmSample;
import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.GpuInstanceProfile;
import io.gpuagent.nvml.MigMode;
import io.gpuagent.nvml.NvLinkThroughput;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.PciInfo;
import io.gpuagent.nvml.PcieCounter;
import io.gpuagent.nvml.Placement;
import io.gpuagent.nvml.ProcessUtilization;
import io.gpuagent.nvml.RemappedRows;
import io.gpuagent.nvml.RetiredPages;
import io.gpuagent.nvml.Utilization;
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

  SimMigDevice(SimComputeInstance ci, int index) {
    super(ci.gpu(), Optional.of(ci), index);
    this.ci = ci;
  }

  @Override
  Set<EventType> eventTypes() {
    return EVENTS;
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

  /** Two handles on the same compute instance are equal, as NVML handles compare. */
  @Override
  public boolean equals(Object other) {
    return other instanceof SimMigDevice that && that.ci == ci;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(ci);
  }

  private <T> T refuse(String function, NvmlReturn code, String why) {
    return call(
        function,
        () -> {
          throw new SimRefusal(code, ci.uuid() + " is a MIG device: " + why);
        });
  }

  // ---- board sensors belong to the parent GPU: NOT_SUPPORTED here --------------------------

  @Override
  public Optional<Utilization> utilization() {
    return none("nvmlDeviceGetUtilizationRates");
  }

  @Override
  public Optional<Integer> encoderUtilizationPercent() {
    return none("nvmlDeviceGetEncoderUtilization");
  }

  @Override
  public Optional<Integer> decoderUtilizationPercent() {
    return none("nvmlDeviceGetDecoderUtilization");
  }

  @Override
  public Optional<Integer> gpuTemperatureCelsius() {
    return none("nvmlDeviceGetTemperature");
  }

  @Override
  public Optional<Integer> memoryTemperatureCelsius() {
    return none("nvmlDeviceGetFieldValues");
  }

  @Override
  public Optional<Integer> powerUsageMilliwatts() {
    return none("nvmlDeviceGetPowerUsage");
  }

  @Override
  public Optional<Integer> powerLimitMilliwatts() {
    return none("nvmlDeviceGetEnforcedPowerLimit");
  }

  @Override
  public Optional<Long> totalEnergyMillijoules() {
    return none("nvmlDeviceGetTotalEnergyConsumption");
  }

  @Override
  public Optional<Integer> clockMhz(ClockType type) {
    return none("nvmlDeviceGetClockInfo");
  }

  @Override
  public Optional<Integer> maxClockMhz(ClockType type) {
    return none("nvmlDeviceGetMaxClockInfo");
  }

  @Override
  public Optional<ClockEventReasons> clockEventReasons() {
    return none("nvmlDeviceGetCurrentClocksEventReasons");
  }

  @Override
  public Optional<Integer> fanSpeedPercent() {
    return none("nvmlDeviceGetFanSpeed");
  }

  @Override
  public Optional<Integer> pcieThroughputKBps(PcieCounter counter) {
    return none("nvmlDeviceGetPcieThroughput");
  }

  @Override
  public Optional<Integer> pcieReplayCounter() {
    return none("nvmlDeviceGetPcieReplayCounter");
  }

  @Override
  public Optional<EccMode> eccMode() {
    return none("nvmlDeviceGetEccMode");
  }

  @Override
  public Optional<Long> eccErrorCount(EccErrorType errorType, EccCounterType counterType) {
    return none("nvmlDeviceGetTotalEccErrors");
  }

  @Override
  public Optional<RetiredPages> retiredPages() {
    return none("nvmlDeviceGetRetiredPages_v2");
  }

  @Override
  public Optional<RemappedRows> remappedRows() {
    return none("nvmlDeviceGetRemappedRows");
  }

  @Override
  public Optional<Boolean> nvLinkActive(int link) {
    return none("nvmlDeviceGetNvLinkState");
  }

  @Override
  public Optional<PciInfo> nvLinkRemotePciInfo(int link) {
    return none("nvmlDeviceGetNvLinkRemotePciInfo_v2");
  }

  @Override
  public Optional<NvLinkThroughput> nvLinkThroughput(int link) {
    return none("nvmlDeviceGetFieldValues");
  }

  @Override
  public Optional<NvLinkThroughput> nvLinkThroughputTotal() {
    return none("nvmlDeviceGetFieldValues");
  }
}

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
import io.gpuagent.nvml.sim.GpuModel.Feature;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The NVML handle on a simulated physical GPU. Readings come from the GPU's {@link SimSensors} at
 * the node clock's current time; what the model does not have answers NOT_SUPPORTED, and a GPU in
 * MIG mode refuses utilization and NVLink queries as real ones do.
 */
final class SimDevice extends SimHandle {

  SimDevice(SimGpu gpu) {
    super(gpu, Optional.empty(), gpu.index);
  }

  @Override
  Set<EventType> eventTypes() {
    return gpu.model.events();
  }

  @Override
  public Optional<Utilization> utilization() {
    return outsideMig("nvmlDeviceGetUtilizationRates", () -> gpu.sensors.utilization(now()));
  }

  @Override
  public Optional<Integer> encoderUtilizationPercent() {
    return videoEngine("nvmlDeviceGetEncoderUtilization", Feature.ENCODER_UTILIZATION);
  }

  @Override
  public Optional<Integer> decoderUtilizationPercent() {
    return videoEngine("nvmlDeviceGetDecoderUtilization", Feature.DECODER_UTILIZATION);
  }

  @Override
  public Optional<Integer> gpuTemperatureCelsius() {
    return read("nvmlDeviceGetTemperature", () -> gpu.sensors.temperatureCelsius(now()));
  }

  @Override
  public Optional<Integer> memoryTemperatureCelsius() {
    return read(
        "nvmlDeviceGetFieldValues",
        Feature.MEMORY_TEMPERATURE,
        () -> gpu.sensors.memoryTemperatureCelsius(now()));
  }

  @Override
  public Optional<Integer> powerUsageMilliwatts() {
    return read("nvmlDeviceGetPowerUsage", () -> gpu.sensors.powerMilliwatts(now()));
  }

  @Override
  public Optional<Integer> powerLimitMilliwatts() {
    return read("nvmlDeviceGetEnforcedPowerLimit", gpu.sensors::powerLimitMilliwatts);
  }

  @Override
  public Optional<Long> totalEnergyMillijoules() {
    return read("nvmlDeviceGetTotalEnergyConsumption", () -> gpu.sensors.energyMillijoules(now()));
  }

  @Override
  public Optional<Integer> clockMhz(ClockType type) {
    return read("nvmlDeviceGetClockInfo", () -> gpu.sensors.clockMhz(type, now()));
  }

  @Override
  public Optional<Integer> maxClockMhz(ClockType type) {
    return read("nvmlDeviceGetMaxClockInfo", () -> gpu.model.clock(type).max());
  }

  @Override
  public Optional<ClockEventReasons> clockEventReasons() {
    return read(
        "nvmlDeviceGetCurrentClocksEventReasons", () -> gpu.sensors.clockEventReasons(now()));
  }

  @Override
  public Optional<Integer> fanSpeedPercent() {
    return read(
        "nvmlDeviceGetFanSpeed", Feature.FAN_SPEED, () -> gpu.sensors.fanSpeedPercent(now()));
  }

  @Override
  public Optional<Integer> pcieThroughputKBps(PcieCounter counter) {
    return read(
        "nvmlDeviceGetPcieThroughput", () -> gpu.sensors.pcieThroughputKBps(counter, now()));
  }

  @Override
  public Optional<Integer> pcieReplayCounter() {
    return read("nvmlDeviceGetPcieReplayCounter", () -> gpu.sensors.pcieReplays(now()));
  }

  @Override
  public Optional<EccMode> eccMode() {
    return read("nvmlDeviceGetEccMode", Feature.ECC, () -> new EccMode(true, true));
  }

  @Override
  public Optional<Long> eccErrorCount(EccErrorType errorType, EccCounterType counterType) {
    return read(
        "nvmlDeviceGetTotalEccErrors", Feature.ECC, () -> gpu.eccCount(errorType, counterType));
  }

  @Override
  public Optional<RetiredPages> retiredPages() {
    return read(
        "nvmlDeviceGetRetiredPages_v2", Feature.RETIRED_PAGES, () -> new RetiredPages(0, 0, false));
  }

  @Override
  public Optional<RemappedRows> remappedRows() {
    return read("nvmlDeviceGetRemappedRows", Feature.REMAPPED_ROWS, gpu::remappedRows);
  }

  @Override
  public Optional<Boolean> nvLinkActive(int link) {
    return call("nvmlDeviceGetNvLinkState", () -> SimTopology.nvLinkActive(gpu, link));
  }

  @Override
  public Optional<PciInfo> nvLinkRemotePciInfo(int link) {
    return call("nvmlDeviceGetNvLinkRemotePciInfo_v2", () -> SimTopology.nvLinkRemote(gpu, link));
  }

  @Override
  public Optional<NvLinkThroughput> nvLinkThroughput(int link) {
    return call(
        "nvmlDeviceGetFieldValues",
        () ->
            SimTopology.nvLinkActive(gpu, link)
                .filter(active -> active)
                .map(active -> gpu.sensors.nvLinkThroughput(link, now())));
  }

  /** The all-links scope: one field-values call; a driver without it is asked link by link. */
  @Override
  public Optional<NvLinkThroughput> nvLinkThroughputTotal() {
    Optional<NvLinkThroughput> total =
        call(
            "nvmlDeviceGetFieldValues",
            () -> {
              if (gpu.node.hasFault(gpu, SimFault.NoAllLinksScope.class)) {
                return Optional.<NvLinkThroughput>empty();
              }
              Optional<NvLinkThroughput> sum = Optional.empty();
              for (int link = 0; link < MAX_NVLINKS; link++) {
                if (SimTopology.nvLinkActive(gpu, link).orElse(false)) {
                  NvLinkThroughput one = gpu.sensors.nvLinkThroughput(link, now());
                  sum = Optional.of(sum.map(one::plus).orElse(one));
                }
              }
              return sum;
            });
    return total.isPresent() ? total : NvLinkThroughput.sumPerLink(this);
  }

  @Override
  public List<ProcessUtilization> processUtilization(long sinceMicros) {
    return call("nvmlDeviceGetProcessUtilization", () -> gpu.processUtilization(sinceMicros));
  }

  @Override
  public boolean gpmSupported() {
    return call("nvmlGpmQueryDeviceSupport", () -> gpu.model.supports(Feature.GPM));
  }

  @Override
  public GpmSample gpmSample() {
    return call("nvmlGpmSampleGet", () -> SimGpmSample.take(gpu));
  }

  @Override
  public Map<GpmMetric, Double> gpmMetrics(
      GpmSample earlier, GpmSample later, Set<GpmMetric> metrics) {
    return call("nvmlGpmMetricsGet", () -> SimGpmSample.metrics(gpu, earlier, later, metrics));
  }

  @Override
  public Optional<MigMode> migMode() {
    return call("nvmlDeviceGetMigMode", () -> gpu.mig.map(MigLayout::mode));
  }

  /** The change waits for {@link SimulatedNode#resetGpu}; the activation status says so. */
  @Override
  public NvmlReturn setMigMode(boolean enabled) {
    return call("nvmlDeviceSetMigMode", () -> migLayout().requestMode(enabled));
  }

  @Override
  public int maxMigDeviceCount() {
    return call(
        "nvmlDeviceGetMaxMigDeviceCount", () -> gpu.mig.map(MigLayout::maxDevices).orElse(0));
  }

  @Override
  public Optional<NvmlDevice> migDevice(int slot) {
    return call(
        "nvmlDeviceGetMigDeviceHandleByIndex",
        () ->
            gpu.mig
                .map(mig -> mig.migDevice(slot))
                .orElseThrow(
                    () -> new SimRefusal(NvmlReturn.INVALID_ARGUMENT, "no MIG on " + gpu.uuid)));
  }

  @Override
  public Optional<GpuInstanceProfile> gpuInstanceProfile(int profileIndex) {
    return call(
        "nvmlDeviceGetGpuInstanceProfileInfoV",
        () -> gpu.mig.flatMap(mig -> mig.profile(profileIndex)));
  }

  @Override
  public List<Placement> gpuInstancePossiblePlacements(int profileId) {
    return call(
        "nvmlDeviceGetGpuInstancePossiblePlacements_v2",
        () -> gpu.mig.map(mig -> mig.possiblePlacements(profileId)).orElse(List.of()));
  }

  @Override
  public GpuInstance createGpuInstance(int profileId) {
    return call(
        "nvmlDeviceCreateGpuInstance", () -> migLayout().create(profileId, Optional.empty()));
  }

  @Override
  public GpuInstance createGpuInstance(int profileId, Placement placement) {
    return call(
        "nvmlDeviceCreateGpuInstanceWithPlacement",
        () -> migLayout().create(profileId, Optional.of(placement)));
  }

  @Override
  public List<GpuInstance> gpuInstances(int profileId) {
    return call(
        "nvmlDeviceGetGpuInstances",
        () -> gpu.mig.map(mig -> mig.instancesOf(profileId)).orElse(List.of()));
  }

  @Override
  public GpuInstance gpuInstanceById(int id) {
    return call("nvmlDeviceGetGpuInstanceById", () -> migLayout().byId(id));
  }

  private double now() {
    return gpu.node.now();
  }

  private <T> Optional<T> read(String function, Supplier<T> value) {
    return call(function, () -> Optional.of(value.get()));
  }

  private <T> Optional<T> read(String function, Feature feature, Supplier<T> value) {
    return call(
        function, () -> gpu.model.supports(feature) ? Optional.of(value.get()) : Optional.empty());
  }

  /** Utilization of a GPU in MIG mode is per instance only; the parent answers NOT_SUPPORTED. */
  private <T> Optional<T> outsideMig(String function, Supplier<T> value) {
    return call(function, () -> gpu.inMigMode() ? Optional.empty() : Optional.of(value.get()));
  }

  /** No video work is simulated: the engines idle at 0 % where the model reports them. */
  private Optional<Integer> videoEngine(String function, Feature feature) {
    return call(
        function,
        () -> gpu.inMigMode() || !gpu.model.supports(feature) ? Optional.empty() : Optional.of(0));
  }

  private MigLayout migLayout() {
    return gpu.mig.orElseThrow(
        () -> new SimRefusal(NvmlReturn.NOT_SUPPORTED, gpu.model.name() + " does not support MIG"));
  }
}

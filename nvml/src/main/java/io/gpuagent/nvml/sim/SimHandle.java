package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.Architecture;
import io.gpuagent.nvml.Brand;
import io.gpuagent.nvml.ClockEventReasons;
import io.gpuagent.nvml.ClockType;
import io.gpuagent.nvml.ComputeCapability;
import io.gpuagent.nvml.ComputeMode;
import io.gpuagent.nvml.EccCounterType;
import io.gpuagent.nvml.EccErrorType;
import io.gpuagent.nvml.EccMode;
import io.gpuagent.nvml.NvLinkThroughput;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.PciInfo;
import io.gpuagent.nvml.PcieCounter;
import io.gpuagent.nvml.RemappedRows;
import io.gpuagent.nvml.RetiredPages;
import io.gpuagent.nvml.Utilization;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What every simulated NVML handle shares: each call passes the node's guard (initialised, the
 * device's injected latency, a lost GPU, a destroyed MIG instance), identity comes from the
 * physical GPU, and the board sensors answer NOT_SUPPORTED unless the handle is on a physical GPU
 * that has them ({@link SimDevice} overrides them; a {@link SimMigDevice} keeps these answers).
 */
abstract class SimHandle implements NvmlDevice {
  protected final SimGpu gpu;
  private final Optional<SimComputeInstance> instance;

  SimHandle(SimGpu gpu, Optional<SimComputeInstance> instance) {
    this.gpu = gpu;
    this.instance = instance;
  }

  /** Runs {@code body} as NVML function {@code function} on this device. */
  protected final <T> T call(String function, Supplier<T> body) {
    return gpu.node.call(
        function,
        gpu,
        instance,
        () -> {
          if (instance.isPresent() && instance.get().destroyed()) {
            throw new SimRefusal(
                NvmlReturn.INVALID_ARGUMENT,
                "MIG device " + instance.get().uuid() + " was destroyed");
          }
          return body.get();
        });
  }

  protected final void run(String function, Runnable body) {
    call(
        function,
        () -> {
          body.run();
          return null;
        });
  }

  protected final <T> Optional<T> none(String function) {
    return call(function, Optional::empty);
  }

  @Override
  public Brand brand() {
    return call("nvmlDeviceGetBrand", () -> gpu.model.brand());
  }

  @Override
  public Architecture architecture() {
    return call("nvmlDeviceGetArchitecture", () -> gpu.model.architecture());
  }

  @Override
  public ComputeCapability cudaComputeCapability() {
    return call("nvmlDeviceGetCudaComputeCapability", () -> gpu.model.computeCapability());
  }

  @Override
  public PciInfo pciInfo() {
    return call("nvmlDeviceGetPciInfo_v3", () -> gpu.pciInfo);
  }

  @Override
  public Optional<Integer> numaNode() {
    return call("nvmlDeviceGetNumaNodeId", () -> Optional.of(gpu.spec.numaNode()));
  }

  /** The node's {@code /dev/nvidiaN}; a MIG device's container needs its parent's node too. */
  @Override
  public int minorNumber() {
    return call("nvmlDeviceGetMinorNumber", () -> gpu.index);
  }

  @Override
  public ComputeMode computeMode() {
    return call("nvmlDeviceGetComputeMode", () -> ComputeMode.DEFAULT);
  }

  // ---- board sensors: NOT_SUPPORTED unless a physical GPU overrides them ----------------------

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
}

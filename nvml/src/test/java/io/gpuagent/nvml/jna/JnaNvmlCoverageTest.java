package io.gpuagent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.ClockType;
import io.gpuagent.nvml.EccCounterType;
import io.gpuagent.nvml.EccErrorType;
import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.GpmMetric;
import io.gpuagent.nvml.GpmSample;
import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.PcieCounter;
import io.gpuagent.nvml.Placement;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One pass over the whole facade reaches every NVML function the binding maps. */
class JnaNvmlCoverageTest {

  /** Only called on drivers without its newer replacement (see the old-driver test). */
  private static final String FALLBACK_ONLY = "nvmlDeviceGetCurrentClocksThrottleReasons";

  private final FakeNvml.Control fake = FakeNvml.control(FakeNvml.library());

  @Test
  void everyMappedFunctionIsReachedThroughTheFacade() {
    fake.fake_nvml_reset();
    try (JnaNvml nvml = new JnaNvml(FakeNvml.library())) {
      nvml.init();
      system(nvml);
      telemetry(nvml.deviceByIndex(FakeNvml.FULL));
      mig(nvml.deviceByIndex(FakeNvml.MIG));
      events(nvml);
    }

    List<String> unreached =
        Arrays.stream(NvmlLibrary.class.getDeclaredMethods())
            .map(Method::getName)
            .filter(name -> !name.equals(FALLBACK_ONLY))
            .filter(name -> fake.fake_nvml_calls(name) == 0)
            .sorted()
            .toList();
    assertThat(unreached).isEmpty();
  }

  private static void system(JnaNvml nvml) {
    nvml.deviceByUuid("GPU-1b1b1b1b-1111-4111-8111-111111111111");
    nvml.driverVersion();
    nvml.nvmlVersion();
    nvml.cudaDriverVersion();
    nvml.devices();
    nvml.topologyCommonAncestor(nvml.deviceByIndex(0), nvml.deviceByIndex(1));
  }

  private static void telemetry(NvmlDevice gpu) {
    gpu.name();
    gpu.brand();
    gpu.architecture();
    gpu.cudaComputeCapability();
    gpu.pciInfo();
    gpu.serial();
    gpu.minorNumber();
    gpu.numaNode();
    gpu.memoryInfo();
    gpu.utilization();
    gpu.encoderUtilizationPercent();
    gpu.decoderUtilizationPercent();
    gpu.gpuTemperatureCelsius();
    gpu.memoryTemperatureCelsius();
    gpu.powerUsageMilliwatts();
    gpu.powerLimitMilliwatts();
    gpu.totalEnergyMillijoules();
    gpu.clockMhz(ClockType.SM);
    gpu.maxClockMhz(ClockType.SM);
    gpu.clockEventReasons();
    gpu.fanSpeedPercent();
    gpu.pcieThroughputKBps(PcieCounter.RX_BYTES);
    gpu.pcieReplayCounter();
    gpu.eccMode();
    gpu.eccErrorCount(EccErrorType.CORRECTED, EccCounterType.AGGREGATE);
    gpu.retiredPages();
    gpu.remappedRows();
    gpu.nvLinkActive(0);
    gpu.nvLinkRemotePciInfo(0);
    gpu.nvLinkThroughput(0);
    gpu.computeRunningProcesses();
    gpu.processUtilization(0);
    gpu.computeMode();
    if (gpu.gpmSupported()) {
      try (GpmSample first = gpu.gpmSample();
          GpmSample second = gpu.gpmSample()) {
        gpu.gpmMetrics(first, second, Set.of(GpmMetric.SM_UTIL));
      }
    }
  }

  private void mig(NvmlDevice gpu) {
    gpu.migMode();
    fake.fake_nvml_clear_processes(FakeNvml.MIG);
    gpu.setMigMode(true);
    gpu.gpuInstanceProfiles();
    gpu.allGpuInstances();
    gpu.gpuInstancePossiblePlacements(19);
    for (NvmlDevice mig : gpu.migDevices()) {
      mig.gpuInstanceId();
      mig.computeInstanceId();
      mig.parent();
    }
    GpuInstance first = gpu.createGpuInstance(19);
    GpuInstance second = gpu.createGpuInstance(19, new Placement(6, 1));
    gpu.gpuInstanceById(first.info().id()).computeInstanceProfile(0);
    first.createComputeInstance(0);
    first.computeInstances(0).forEach(compute -> compute.info());
    first.computeInstances(0).forEach(compute -> compute.destroy());
    first.destroy();
    second.destroy();
  }

  private static void events(JnaNvml nvml) {
    NvmlDevice gpu = nvml.deviceByIndex(FakeNvml.FULL);
    try (EventSet events = nvml.createEventSet()) {
      gpu.registerEvents(events, gpu.supportedEventTypes());
      events.await(Duration.ZERO);
      gpu.registerEvents(events, Set.of(EventType.XID_CRITICAL_ERROR));
    }
  }
}

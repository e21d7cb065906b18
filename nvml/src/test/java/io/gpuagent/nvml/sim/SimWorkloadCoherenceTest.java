package io.gpuagent.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.ClockType;
import io.gpuagent.nvml.MemoryInfo;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.ProcessInfo;
import io.gpuagent.testing.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * Workloads that hang together (h100x8-shared): a busy GPU has processes holding memory, FB used is
 * their memory plus one CUDA context each (H100: 512 MiB), and clocks, power and temperature climb
 * with the load the processes make.
 */
class SimWorkloadCoherenceTest {
  private static final long GIB = 1L << 30;
  private static final long CONTEXT = 512L << 20;

  private final ManualClock clock = new ManualClock();

  @Test
  void aBusyGpuHasAProcessHoldingItsMemory() {
    SimulatedNode node = SimNodes.started("h100x8-shared", clock);
    NvmlDevice training = node.deviceByIndex(3);
    clock.advanceSeconds(60);

    assertThat(training.utilization().orElseThrow().gpuPercent()).isGreaterThan(30);
    assertThat(training.computeRunningProcesses())
        .extracting(ProcessInfo::pid, p -> p.usedMemoryBytes().orElseThrow())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(20_300, 60 * GIB));
    assertThat(training.memoryInfo().usedBytes()).isEqualTo(60 * GIB + CONTEXT);
  }

  @Test
  void anIdleGpuHasNoProcessNoMemoryUsedAndIdleClocks() {
    SimulatedNode node = SimNodes.started("h100x8-shared", clock);
    NvmlDevice idle = node.deviceByIndex(5);
    clock.advanceSeconds(60);

    assertThat(idle.computeRunningProcesses()).isEmpty();
    assertThat(idle.memoryInfo().usedBytes()).isZero();
    assertThat(idle.utilization().orElseThrow().gpuPercent()).isZero();
    assertThat(idle.clockMhz(ClockType.SM)).contains(345);
  }

  @Test
  void podsProcessesRunOnTheirSharedGpuAndMakeItsLoad() {
    SimulatedNode node = SimNodes.started("h100x8-shared", clock);
    NvmlDevice gpu0 = node.deviceByIndex(0);
    clock.advanceSeconds(5);

    assertThat(node.pods()).hasSize(7);
    SimPod small = node.pods().get(0);
    assertThat(small.name()).isEqualTo("llm-small");
    assertThat(small.gpuUuid()).isEqualTo(gpu0.uuid());
    assertThat(small.deviceIds()).hasSize(10).startsWith(gpu0.uuid() + "::0");
    assertThat(gpu0.computeRunningProcesses())
        .extracting(ProcessInfo::pid)
        .containsExactly(31_001, 31_002, 31_003, 31_004);
    MemoryInfo memory = gpu0.memoryInfo();
    assertThat(memory.usedBytes()).isEqualTo((8 + 26 + 2 + 1) * GIB + 4 * CONTEXT);
    assertThat(memory.reservedBytes() + memory.usedBytes() + memory.freeBytes())
        .isEqualTo(memory.totalBytes());
    // 20 + 35 + 10 + 5 % SM
    assertThat(gpu0.utilization().orElseThrow().gpuPercent()).isBetween(67, 73);
  }

  @Test
  void clocksPowerAndTemperatureClimbWithUtilization() {
    SimulatedNode node = SimNodes.started("h100x8", clock);
    NvmlDevice light = node.deviceByIndex(5);
    NvmlDevice heavy = node.deviceByIndex(6);
    NvmlDevice idle = node.deviceByIndex(7);
    node.inject(light.uuid(), new SimFault.Process(11, GIB, 10));
    node.inject(heavy.uuid(), new SimFault.Process(12, GIB, 95));
    clock.advanceSeconds(300);

    assertThat(idle.clockMhz(ClockType.SM).orElseThrow())
        .isLessThan(light.clockMhz(ClockType.SM).orElseThrow())
        .isLessThan(heavy.clockMhz(ClockType.SM).orElseThrow());
    assertThat(heavy.clockMhz(ClockType.SM)).contains(1980);
    assertThat(idle.powerUsageMilliwatts().orElseThrow())
        .isLessThan(light.powerUsageMilliwatts().orElseThrow())
        .isLessThan(heavy.powerUsageMilliwatts().orElseThrow());
    assertThat(idle.gpuTemperatureCelsius().orElseThrow())
        .isLessThan(light.gpuTemperatureCelsius().orElseThrow())
        .isLessThan(heavy.gpuTemperatureCelsius().orElseThrow());
  }

  @Test
  void aProcessMustFitWithItsContext() {
    SimulatedNode node = SimNodes.started("h100x8", clock);
    NvmlDevice gpu = node.deviceByIndex(7);
    long free = gpu.memoryInfo().freeBytes();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> node.inject(gpu.uuid(), new SimFault.Process(13, free, 10)))
        .hasMessageContaining("and a CUDA context");
    node.inject(gpu.uuid(), new SimFault.Process(13, free - CONTEXT, 10));
    assertThat(gpu.memoryInfo().freeBytes()).isZero();
  }
}

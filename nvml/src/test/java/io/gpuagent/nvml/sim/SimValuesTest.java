package io.gpuagent.nvml.sim;

import static io.gpuagent.nvml.sim.MigPlacementTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.ClockEventReasons;
import io.gpuagent.nvml.ClockType;
import io.gpuagent.nvml.GpmMetric;
import io.gpuagent.nvml.GpmSample;
import io.gpuagent.nvml.NvLinkThroughput;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.PcieCounter;
import io.gpuagent.testing.ManualClock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values move with the clock, deterministically for a seed, and counters only grow. */
class SimValuesTest {
  private final ManualClock clock = new ManualClock();

  @Test
  void energyOnlyGrowsAndFollowsPower() {
    NvmlDevice gpu = SimNodes.started("h100x8", clock).deviceByIndex(0);
    long previous = gpu.totalEnergyMillijoules().orElseThrow();
    for (int i = 0; i < 200; i++) {
      clock.advance(java.time.Duration.ofMillis(700));
      long energy = gpu.totalEnergyMillijoules().orElseThrow();
      assertThat(energy).isGreaterThanOrEqualTo(previous);
      previous = energy;
    }
    long start = gpu.totalEnergyMillijoules().orElseThrow();
    clock.advanceSeconds(100);
    long joules = (gpu.totalEnergyMillijoules().orElseThrow() - start) / 1000;
    // GPU 0 of h100x8 runs 70 % ± 20 %: between idle (72 W) and peak (690 W) for 100 s.
    assertThat(joules).isBetween(72L * 100, 690L * 100);
  }

  @Test
  void valuesAreDeterministicForASeedAndClockWhateverTheCallOrder() {
    ManualClock otherClock = new ManualClock();
    NvmlDevice chatty = SimNodes.started("h100x8", clock).deviceByIndex(1);
    NvmlDevice quiet = SimNodes.started("h100x8", otherClock).deviceByIndex(1);
    for (int second = 0; second < 120; second++) {
      clock.advanceSeconds(1);
      chatty.totalEnergyMillijoules();
      chatty.gpuTemperatureCelsius();
    }
    otherClock.advanceSeconds(120);

    assertThat(readings(quiet)).isEqualTo(readings(chatty));
  }

  @Test
  void differentSeedsGiveDifferentLoads() {
    SimulatedNode seeded = SimNodes.started("h100x8", new SimOptions("n", 1, clock));
    SimulatedNode reseeded = SimNodes.started("h100x8", new SimOptions("n", 2, clock));
    List<Integer> first = new ArrayList<>();
    List<Integer> second = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      clock.advanceSeconds(7);
      first.add(seeded.deviceByIndex(0).powerUsageMilliwatts().orElseThrow());
      second.add(reseeded.deviceByIndex(0).powerUsageMilliwatts().orElseThrow());
    }
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void idleGpuSaysSoInItsClocksAndReasons() {
    NvmlDevice gpu = SimNodes.started("h100x8", clock).deviceByIndex(7);
    clock.advanceSeconds(30);

    assertThat(gpu.utilization().orElseThrow().gpuPercent()).isZero();
    assertThat(gpu.clockEventReasons().orElseThrow().has(ClockEventReasons.Reason.GPU_IDLE))
        .isTrue();
    assertThat(gpu.clockMhz(ClockType.GRAPHICS)).contains(345);
    assertThat(gpu.maxClockMhz(ClockType.GRAPHICS)).contains(1980);
    assertThat(gpu.powerUsageMilliwatts().orElseThrow()).isBetween(70_000, 74_000);
    assertThat(gpu.powerLimitMilliwatts()).contains(700_000);
    assertThat(gpu.gpuTemperatureCelsius()).contains(31);
  }

  @Test
  void temperatureFollowsPowerWithALag() {
    SimulatedNode node = SimNodes.started("h100x8", clock);
    NvmlDevice gpu = node.deviceByIndex(6);
    node.inject(gpu.uuid(), new SimFault.Process(9, 1L << 30, 100));

    clock.advanceSeconds(2);
    int power = gpu.powerUsageMilliwatts().orElseThrow();
    int early = gpu.gpuTemperatureCelsius().orElseThrow();
    clock.advanceSeconds(300);
    int late = gpu.gpuTemperatureCelsius().orElseThrow();

    assertThat(power).isGreaterThan(600_000);
    assertThat(early).isLessThan(40);
    assertThat(late).isBetween(64, 68);
    assertThat(gpu.clockEventReasons().orElseThrow().reasons())
        .doesNotContain(ClockEventReasons.Reason.GPU_IDLE);
    assertThat(gpu.memoryTemperatureCelsius().orElseThrow()).isEqualTo(late + 6);
  }

  @Test
  void countersOnlyGrow() {
    NvmlDevice gpu = SimNodes.started("h100x8", clock).deviceByIndex(0);
    long tx = gpu.nvLinkThroughput(3).orElseThrow().txKiB();
    int replays = gpu.pcieReplayCounter().orElseThrow();

    clock.advanceSeconds(6 * 3600);

    assertThat(gpu.nvLinkThroughput(3).orElseThrow().txKiB()).isGreaterThan(tx);
    assertThat(gpu.pcieReplayCounter().orElseThrow()).isGreaterThan(replays);
    assertThat(gpu.pcieThroughputKBps(PcieCounter.TX_BYTES).orElseThrow()).isPositive();
  }

  @Test
  void nvLinkTotalIsTheSumOfTheLinksWithOrWithoutTheAllLinksScope() {
    SimulatedNode node = SimNodes.started("h100x8", clock);
    NvmlDevice gpu = node.deviceByIndex(2);
    clock.advanceSeconds(600);
    NvLinkThroughput perLink = NvLinkThroughput.sumPerLink(gpu).orElseThrow();

    assertThat(gpu.nvLinkThroughputTotal()).contains(perLink);
    node.inject(gpu.uuid(), new SimFault.NoAllLinksScope());
    assertThat(gpu.nvLinkThroughputTotal()).contains(perLink);
    assertThat(SimNodes.started("pcie-mixed", clock).deviceByIndex(0).nvLinkThroughputTotal())
        .isEmpty();
  }

  @Test
  void gpmMetricsComeFromTheWorkloadBetweenTwoSamples() {
    SimulatedNode node = SimNodes.started("h100x8", clock);
    NvmlDevice gpu = node.deviceByIndex(5);
    node.inject(gpu.uuid(), new SimFault.Process(77, 1L << 30, 50));
    assertThat(gpu.gpmSupported()).isTrue();

    Map<GpmMetric, Double> metrics;
    try (GpmSample first = gpu.gpmSample()) {
      clock.advanceSeconds(10);
      try (GpmSample second = gpu.gpmSample()) {
        metrics = gpu.gpmMetrics(first, second, EnumSet.allOf(GpmMetric.class));
      }
    }

    assertThat(metrics).containsOnlyKeys(EnumSet.allOf(GpmMetric.class));
    assertThat(metrics.get(GpmMetric.GRAPHICS_UTIL)).isBetween(45.0, 55.0);
    assertThat(metrics.values()).allSatisfy(v -> assertThat(v).isNotNegative());
    assertThat(metrics.get(GpmMetric.SM_OCCUPANCY)).isLessThanOrEqualTo(100.0);
    // MiB/s, as nvml.h gives it: busy, but under PCIe Gen5 x16's ~61,000 MiB/s.
    assertThat(metrics.get(GpmMetric.PCIE_RX_PER_SEC)).isBetween(500.0, 61_000.0);
  }

  @Test
  void gpmIsNotSupportedBeforeHopper() {
    NvmlDevice a100 = SimNodes.started("a100-mig", clock).deviceByIndex(2);

    assertThat(a100.gpmSupported()).isFalse();
    assertRefused(a100::gpmSample, NvmlReturn.NOT_SUPPORTED);
  }

  @Test
  void callsBeforeInitOrAfterShutdownAreUninitialized() {
    SimulatedNode node = SimulatedNode.load("pcie-mixed", new SimOptions("n", 1, clock));
    assertRefused(node::deviceCount, NvmlReturn.UNINITIALIZED);

    node.init();
    NvmlDevice gpu = node.deviceByIndex(0);
    node.shutdown();
    node.shutdown();

    assertRefused(gpu::name, NvmlReturn.UNINITIALIZED);
    assertRefused(node::driverVersion, NvmlReturn.UNINITIALIZED);
    assertThat(gpu.uuid()).startsWith("GPU-");
  }

  @Test
  void unknownDevicesAreRefusedWithNvmlCodes() {
    SimulatedNode node = SimNodes.started("pcie-mixed", clock);

    assertRefused(() -> node.deviceByIndex(4), NvmlReturn.INVALID_ARGUMENT);
    assertRefused(() -> node.deviceByIndex(-1), NvmlReturn.INVALID_ARGUMENT);
    assertRefused(
        () -> node.deviceByUuid("GPU-00000000-0000-0000-0000-000000000000"), NvmlReturn.NOT_FOUND);
  }

  private static List<Object> readings(NvmlDevice gpu) {
    return List.of(
        gpu.totalEnergyMillijoules(),
        gpu.gpuTemperatureCelsius(),
        gpu.powerUsageMilliwatts(),
        gpu.utilization(),
        gpu.pcieThroughputKBps(PcieCounter.RX_BYTES),
        gpu.nvLinkThroughput(0),
        gpu.clockEventReasons());
  }
}

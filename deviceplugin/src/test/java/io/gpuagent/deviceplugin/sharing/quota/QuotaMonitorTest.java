package io.gpuagent.deviceplugin.sharing.quota;

import static io.gpuagent.deviceplugin.sharing.quota.SharedSimNode.GIB;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.gpuagent.deviceplugin.sharing.Enforcement;
import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.deviceplugin.sharing.SharingMode;
import io.gpuagent.podresources.ContainerRef;
import io.gpuagent.podresources.PodAssignments;
import io.gpuagent.testing.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quota monitor over a simulated node: three pods share GPU 0 in 1 GiB slices; {@code batch}
 * holds 6 slices and uses 7 GiB, {@code small} holds 10 and uses 8 GiB, {@code idle} holds 4 and
 * runs nothing.
 */
class QuotaMonitorTest {
  private static final String PODS =
      """
        - {name: small, namespace: ml, gpu: 0, shares: {from: 0, count: 10},
           processes: [{pid: 501, memoryMiB: 8192, smPercent: 30}]}
        - {name: batch, namespace: ml, container: worker, gpu: 0, shares: {from: 10, count: 6},
           processes: [{pid: 601, memoryMiB: 5120, smPercent: 20}, {pid: 602, memoryMiB: 2048, smPercent: 5}]}
        - {name: idle, namespace: ml, gpu: 0, shares: {from: 16, count: 4}}
      """;

  @TempDir Path dir;

  @Test
  void observeReportsAProcessOverItsQuotaOnceAndEndsNothing() {
    SharedSimNode sim = new SharedSimNode(dir, PODS);
    try (LogCapture logs = new LogCapture(QuotaEnforcer.class)) {
      QuotaMonitor monitor = sim.monitor(sim.slicedGpu0(Enforcement.OBSERVE), Duration.ZERO);
      monitor.sampleNow();
      sim.clock.advanceSeconds(5);
      QuotaReport report = monitor.sampleNow();

      QuotaReport.HolderUsage batch = holder(report, sim.gpu, "batch");
      assertThat(batch.overQuota()).isTrue();
      assertThat(batch.usedBytes()).isEqualTo(7 * GIB);
      assertThat(batch.quotaBytes()).isEqualTo(6 * GIB);
      assertThat(batch.violations()).isEqualTo(1);
      assertThat(logs.messages(Level.WARN))
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains("quota-exceeded", "pod=ml/batch", "usedBytes=" + 7 * GIB, "pids=[601, 602]");
    }
    assertThat(sim.pidsOnGpu0()).containsExactlyInAnyOrder(501, 601, 602);
  }

  @Test
  void everySharerOfTheGpuHasItsUsedAndQuotaBytes() {
    SharedSimNode sim = new SharedSimNode(dir, PODS);
    QuotaReport report =
        sim.monitor(sim.slicedGpu0(Enforcement.OBSERVE), Duration.ZERO).sampleNow();

    assertThat(report.devices()).containsOnlyKeys(sim.gpu);
    assertThat(report.devices().get(sim.gpu).holders())
        .extracting(
            h -> h.container().orElseThrow().pod(),
            QuotaReport.HolderUsage::usedBytes,
            QuotaReport.HolderUsage::quotaBytes,
            QuotaReport.HolderUsage::overQuota)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("small", 8 * GIB, 10 * GIB, false),
            org.assertj.core.groups.Tuple.tuple("batch", 7 * GIB, 6 * GIB, true),
            org.assertj.core.groups.Tuple.tuple("idle", 0L, 4 * GIB, false));
    assertThat(report.devices().get(sim.gpu).unattributed()).isEmpty();
  }

  @Test
  void killEndsTheLargestOffendingProcessOnlyAndTheRestFits() {
    SharedSimNode sim = new SharedSimNode(dir, PODS);
    QuotaMonitor monitor = sim.monitor(sim.slicedGpu0(Enforcement.KILL), Duration.ofSeconds(10));

    QuotaReport first = monitor.sampleNow();
    assertThat(sim.pidsOnGpu0()).containsExactlyInAnyOrder(501, 602);
    assertThat(holder(first, sim.gpu, "batch").violations()).isEqualTo(1);

    sim.clock.advanceSeconds(1);
    QuotaReport second = monitor.sampleNow();
    assertThat(holder(second, sim.gpu, "batch").usedBytes()).isEqualTo(2 * GIB);
    assertThat(holder(second, sim.gpu, "batch").overQuota()).isFalse();
    assertThat(holder(second, sim.gpu, "small").usedBytes()).isEqualTo(8 * GIB);
  }

  @Test
  void aProcessIgnoringSigtermIsKilledOnlyAfterTheGracePeriod() {
    SharedSimNode sim =
        new SharedSimNode(
            dir,
            """
              - {name: stubborn, namespace: ml, gpu: 0, shares: {from: 0, count: 2},
                 processes: [{pid: 701, memoryMiB: 3072, ignoresSigterm: true}]}
              - {name: neighbour, namespace: ml, gpu: 0, shares: {from: 2, count: 2},
                 processes: [{pid: 801, memoryMiB: 1024}]}
            """);
    try (LogCapture logs = new LogCapture(QuotaEnforcer.class)) {
      QuotaMonitor monitor = sim.monitor(sim.slicedGpu0(Enforcement.KILL), Duration.ofSeconds(10));
      monitor.sampleNow();
      sim.clock.advanceSeconds(9);
      monitor.sampleNow();
      assertThat(sim.pidsOnGpu0()).containsExactlyInAnyOrder(701, 801);

      sim.clock.advanceSeconds(1);
      monitor.sampleNow();
      assertThat(sim.pidsOnGpu0()).containsExactly(801);
      assertThat(logs.messages(Level.WARN))
          .extracting(line -> line.split(" ")[0])
          .containsExactly("quota-exceeded", "quota-process-terminated", "quota-process-killed");
    }
  }

  @Test
  void withoutTheKubeletTheAllocationStillComesFromTheProcessEnvironment() {
    SharedSimNode sim = new SharedSimNode(dir, PODS);
    QuotaMonitor monitor =
        new QuotaMonitor(
            new QuotaConfig(Duration.ofSeconds(1), sim.procRoot, Duration.ZERO),
            sim.node,
            () -> sim.slicedGpu0(Enforcement.KILL),
            () -> PodAssignments.NONE,
            sim.signals(),
            sim.clock);

    QuotaReport report = monitor.sampleNow();

    assertThat(report.devices().get(sim.gpu).holders())
        .allMatch(h -> h.container().isEmpty())
        .extracting(QuotaReport.HolderUsage::quotaBytes)
        .containsExactlyInAnyOrder(10 * GIB, 6 * GIB);
    assertThat(sim.pidsOnGpu0()).containsExactlyInAnyOrder(501, 602);
  }

  @Test
  void replicasHaveNoQuotaButEachHolderIsAccounted() {
    SharedSimNode sim = new SharedSimNode(dir, PODS);
    Map<String, SharedDevice> plan =
        Map.of(
            sim.gpu,
            new SharedDevice(
                sim.gpu, SharingMode.REPLICAS, Enforcement.KILL, 0, 32, "nvidia.com/gpu"));

    QuotaReport report = sim.monitor(plan, Duration.ZERO).sampleNow();

    assertThat(report.devices().get(sim.gpu).holders())
        .allMatch(h -> h.quotaBytes() == 0 && !h.overQuota() && h.violations() == 0);
    assertThat(sim.pidsOnGpu0()).containsExactlyInAnyOrder(501, 601, 602);
  }

  @Test
  void unsharedGpusAreNotLookedAt() {
    SharedSimNode sim = new SharedSimNode(dir, PODS);
    QuotaReport report = sim.monitor(Map.of(), Duration.ZERO).sampleNow();
    assertThat(report.devices()).isEmpty();
  }

  private static QuotaReport.HolderUsage holder(QuotaReport report, String uuid, String pod) {
    return report.devices().get(uuid).holders().stream()
        .filter(h -> h.container().map(ContainerRef::pod).equals(Optional.of(pod)))
        .findFirst()
        .orElseThrow();
  }
}

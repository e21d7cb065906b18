package io.gpuagent.nvml.sim;

import static io.gpuagent.nvml.sim.MigPlacementTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.nvml.ClockType;
import io.gpuagent.nvml.EccCounterType;
import io.gpuagent.nvml.EccErrorType;
import io.gpuagent.nvml.MemoryInfo;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.ProcessInfo;
import io.gpuagent.nvml.RemappedRows;
import io.gpuagent.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimFaultsTest {
  private static final long GIB = 1L << 30;

  private final ManualClock clock = new ManualClock();
  private final SimulatedNode node = SimNodes.started("a100-mig", clock);

  @Test
  void lostGpuAnswersGpuIsLostToEveryQueryButItsIdentity() {
    NvmlDevice gpu = node.deviceByIndex(0);
    NvmlDevice mig = gpu.migDevice(0).orElseThrow();
    node.inject(gpu.uuid(), new SimFault.Lost());

    assertThat(gpu.uuid()).startsWith("GPU-");
    assertThat(gpu.index()).isZero();
    assertThat(mig.uuid()).startsWith("MIG-");
    for (Runnable query :
        List.<Runnable>of(
            gpu::name,
            gpu::memoryInfo,
            gpu::utilization,
            gpu::powerUsageMilliwatts,
            gpu::computeRunningProcesses,
            gpu::migDevices,
            gpu::isMigDevice,
            mig::memoryInfo,
            mig::name,
            () -> node.deviceByIndex(0),
            () -> node.topologyCommonAncestor(node.deviceByIndex(1), gpu))) {
      assertRefused(query, NvmlReturn.GPU_IS_LOST);
    }
    assertThatThrownBy(gpu::name).hasMessageContaining(gpu.uuid());
  }

  @Test
  void handleByUuidFailsWhileAnyGpuIsLostAsNvmlDocuments() {
    NvmlDevice lost = node.deviceByIndex(2);
    String healthy = node.deviceByIndex(3).uuid();
    node.inject(lost.uuid(), new SimFault.Lost());

    assertRefused(() -> node.deviceByUuid(healthy), NvmlReturn.GPU_IS_LOST);
    assertThat(node.deviceByIndex(3).name()).isEqualTo("NVIDIA A100-SXM4-80GB");
  }

  @Test
  void resetOrClearingBringsALostGpuBack() {
    NvmlDevice gpu = node.deviceByIndex(3);
    node.inject(gpu.uuid(), new SimFault.Lost());
    node.resetGpu(gpu.uuid());
    assertThat(gpu.name()).isEqualTo("NVIDIA A100-SXM4-80GB");
    assertThat(node.activeFaults()).isEmpty();

    node.inject(gpu.uuid(), new SimFault.Lost());
    node.clearFaults(gpu.uuid());
    assertThat(gpu.memoryInfo().totalBytes()).isEqualTo(81920L << 20);
  }

  @Test
  void latencyDelaysEveryCallOnThatDeviceOnly() throws Exception {
    NvmlDevice slow = node.deviceByIndex(2);
    NvmlDevice fast = node.deviceByIndex(3);
    // long enough that the other GPU's call surely returns while this one still sleeps
    node.inject(slow.uuid(), new SimFault.Latency(Duration.ofSeconds(1)));

    long start = System.nanoTime();
    CompletableFuture<Optional<Integer>> slowCall =
        CompletableFuture.supplyAsync(slow::powerUsageMilliwatts);
    fast.powerUsageMilliwatts();
    assertThat(slowCall).as("the slow call, when the other GPU's call returned").isNotDone();
    slowCall.get(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));

    node.clearFaults(slow.uuid());
    assertThat(node.activeFaults()).as("no latency left to wait").isEmpty();
    assertThat(slow.powerUsageMilliwatts()).isPresent();
  }

  @Test
  void latencyOnAGpuAlsoSlowsItsMigDevices() {
    NvmlDevice gpu = node.deviceByIndex(1);
    NvmlDevice mig = gpu.migDevice(0).orElseThrow();
    node.inject(gpu.uuid(), new SimFault.Latency(Duration.ofMillis(200)));

    long start = System.nanoTime();
    mig.memoryInfo();

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(200));
  }

  @Test
  void processMemoryKeepsTotalEqualToReservedUsedAndFree() {
    NvmlDevice gpu = node.deviceByIndex(2);
    MemoryInfo before = gpu.memoryInfo();
    node.inject(gpu.uuid(), new SimFault.Process(100, 10 * GIB, 60));
    node.inject(gpu.uuid(), new SimFault.Process(101, 5 * GIB, 20));

    MemoryInfo after = gpu.memoryInfo();

    assertThat(before.usedBytes()).isZero();
    // FB used is the processes' memory plus one CUDA context each (A100: 420 MiB)
    assertThat(after.usedBytes()).isEqualTo(15 * GIB + 2 * (420L << 20));
    assertThat(after.reservedBytes()).isEqualTo(811L << 20);
    assertThat(after.reservedBytes() + after.usedBytes() + after.freeBytes())
        .isEqualTo(after.totalBytes());
    assertThat(gpu.computeRunningProcesses())
        .containsExactly(
            new ProcessInfo(100, Optional.of(10 * GIB), Optional.empty(), Optional.empty()),
            new ProcessInfo(101, Optional.of(5 * GIB), Optional.empty(), Optional.empty()));
    node.clearFaults(gpu.uuid());
    assertThat(gpu.memoryInfo()).isEqualTo(before);
  }

  @Test
  void utilizationFollowsTheProcessesSmShare() {
    NvmlDevice gpu = node.deviceByIndex(2);
    assertThat(gpu.utilization().orElseThrow().gpuPercent()).isZero();
    assertThat(gpu.clockMhz(ClockType.SM)).contains(210);

    node.inject(gpu.uuid(), new SimFault.Process(100, GIB, 60));
    clock.advanceSeconds(5);

    assertThat(gpu.utilization().orElseThrow().gpuPercent()).isBetween(57, 63);
    // at 60 % load the SM clock is at its boost clock (it climbs until half load)
    assertThat(gpu.clockMhz(ClockType.SM)).contains(1410);
    assertThat(gpu.processUtilization(0))
        .singleElement()
        .satisfies(p -> assertThat(p.smPercent()).isEqualTo(60));
  }

  @Test
  void processOnAMigDeviceUsesItsInstanceMemoryAndCarriesItsIds() {
    NvmlDevice gpu = node.deviceByIndex(0);
    NvmlDevice mig = gpu.migDevice(2).orElseThrow();
    node.inject(mig.uuid(), new SimFault.Process(555, 4 * GIB, 90));

    assertThat(mig.memoryInfo().usedBytes()).isEqualTo(4 * GIB + (420L << 20));
    assertThat(mig.memoryInfo().freeBytes()).isEqualTo((9728L << 20) - 4 * GIB - (420L << 20));
    ProcessInfo expected =
        new ProcessInfo(555, Optional.of(4 * GIB), Optional.of(9), Optional.of(0));
    assertThat(mig.computeRunningProcesses()).containsExactly(expected);
    assertThat(gpu.computeRunningProcesses()).containsExactly(expected);
    assertThat(gpu.migDevice(3).orElseThrow().computeRunningProcesses()).isEmpty();
  }

  @Test
  void impossibleProcessesAreRefusedWithOneLine() {
    NvmlDevice migGpu = node.deviceByIndex(0);
    NvmlDevice mig = migGpu.migDevice(2).orElseThrow();
    NvmlDevice gpu = node.deviceByIndex(2);
    node.inject(gpu.uuid(), new SimFault.Process(1, GIB, 10));

    assertThatThrownBy(() -> node.inject(mig.uuid(), new SimFault.Process(2, 10 * GIB, 10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("free");
    assertThatThrownBy(() -> node.inject(gpu.uuid(), new SimFault.Process(3, 81 * GIB, 10)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> node.inject(migGpu.uuid(), new SimFault.Process(4, GIB, 10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MIG mode");
    assertThatThrownBy(
            () -> node.inject(node.deviceByIndex(3).uuid(), new SimFault.Process(1, GIB, 10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pid 1");
    assertThatThrownBy(() -> node.inject("GPU-nope", new SimFault.Xid(79)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> node.clearFaults("MIG-nope"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void wholeGpuFaultsAreRefusedOnAMigDevice() {
    NvmlDevice mig = node.deviceByIndex(0).migDevice(0).orElseThrow();

    for (SimFault fault :
        List.of(
            new SimFault.Lost(), new SimFault.EccErrors(1, 0), new SimFault.RowRemapPending())) {
      assertThatThrownBy(() -> node.inject(mig.uuid(), fault))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("whole GPU");
    }
  }

  @Test
  void eccErrorsCountInBothCountersAndResetClearsOnlyVolatile() {
    NvmlDevice gpu = node.deviceByIndex(3);
    node.inject(gpu.uuid(), new SimFault.EccErrors(5, 2));

    assertThat(gpu.eccErrorCount(EccErrorType.CORRECTED, EccCounterType.VOLATILE)).contains(5L);
    assertThat(gpu.eccErrorCount(EccErrorType.UNCORRECTED, EccCounterType.AGGREGATE)).contains(2L);

    node.resetGpu(gpu.uuid());

    assertThat(gpu.eccErrorCount(EccErrorType.CORRECTED, EccCounterType.VOLATILE)).contains(0L);
    assertThat(gpu.eccErrorCount(EccErrorType.CORRECTED, EccCounterType.AGGREGATE)).contains(5L);
  }

  @Test
  void rowRemapPendingLastsUntilResetAndFailureIsReported() {
    NvmlDevice gpu = node.deviceByIndex(3);
    node.inject(gpu.uuid(), new SimFault.RowRemapPending());
    assertThat(gpu.remappedRows()).contains(new RemappedRows(0, 1, true, false));

    node.resetGpu(gpu.uuid());
    assertThat(gpu.remappedRows()).contains(new RemappedRows(0, 1, false, false));

    node.inject(gpu.uuid(), new SimFault.RowRemapFailure());
    assertThat(gpu.remappedRows()).contains(new RemappedRows(0, 1, false, true));
  }

  @Test
  void activeFaultsAreListedInInjectionOrderWithTheClockInstant() {
    NvmlDevice gpu = node.deviceByIndex(3);
    NvmlDevice mig = node.deviceByIndex(1).migDevice(1).orElseThrow();
    node.inject(gpu.uuid(), new SimFault.Xid(79));
    clock.advanceSeconds(10);
    node.inject(mig.uuid(), new SimFault.Latency(Duration.ofMillis(1)));

    assertThat(node.activeFaults())
        .containsExactly(
            new ActiveFault(gpu.uuid(), new SimFault.Xid(79), new ManualClock().instant()),
            new ActiveFault(
                mig.uuid(),
                new SimFault.Latency(Duration.ofMillis(1)),
                new ManualClock().instant().plusSeconds(10)));

    node.clearFaults(gpu.uuid());
    assertThat(node.activeFaults()).extracting(ActiveFault::deviceUuid).containsExactly(mig.uuid());
  }
}

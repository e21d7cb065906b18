package io.gpuagent.nvml.sim;

import static io.gpuagent.nvml.sim.MigPlacementTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.testing.ManualClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimProbeFaultsTest {

  private final ManualClock clock = new ManualClock();
  private final SimulatedNode node = SimNodes.started("a100-mig", clock);

  @Test
  void soundDeviceHasNoProbeFaults() {
    assertThat(node.probeFaults(node.deviceByIndex(2).uuid())).isEmpty();
  }

  @Test
  void probeFaultsAreListedWithTheirKindsAndParameters() {
    String gpu = node.deviceByIndex(2).uuid();
    node.inject(gpu, new SimFault.BadMemory(3));
    node.inject(gpu, new SimFault.SlowKernel(Duration.ofMillis(250)));
    node.inject(gpu, new SimFault.HungKernel());

    assertThat(node.probeFaults(gpu))
        .containsExactly(
            new SimFault.BadMemory(3),
            new SimFault.SlowKernel(Duration.ofMillis(250)),
            new SimFault.HungKernel());
    assertThat(node.activeFaults())
        .extracting(f -> f.fault().kind(), f -> f.fault().parameters())
        .containsExactly(
            tuple("bad-memory", Map.of("mismatches", 3L)),
            tuple("slow-kernel", Map.of("delayMs", 250L)),
            tuple("hung-kernel", Map.of()));
  }

  @Test
  void probeFaultsDoNotDisturbNvml() {
    NvmlDevice gpu = node.deviceByIndex(3);
    node.inject(gpu.uuid(), new SimFault.HungKernel());
    node.inject(gpu.uuid(), new SimFault.BadMemory(1));

    assertThat(gpu.name()).isEqualTo("NVIDIA A100-SXM4-80GB");
    assertThat(gpu.remappedRows()).isPresent();
  }

  @Test
  void gpuFaultReachesItsMigDevicesButAMigFaultStaysOnItsInstance() {
    NvmlDevice gpu = node.deviceByIndex(0);
    String first = gpu.migDevice(0).orElseThrow().uuid();
    String second = gpu.migDevice(1).orElseThrow().uuid();

    node.inject(first, new SimFault.BadMemory(7));
    assertThat(node.probeFaults(first)).containsExactly(new SimFault.BadMemory(7));
    assertThat(node.probeFaults(second)).isEmpty();
    assertThat(node.probeFaults(gpu.uuid())).isEmpty();

    node.inject(gpu.uuid(), new SimFault.HungKernel());
    assertThat(node.probeFaults(second)).containsExactly(new SimFault.HungKernel());
    assertThat(node.probeFaults(first))
        .containsExactlyInAnyOrder(new SimFault.BadMemory(7), new SimFault.HungKernel());
  }

  @Test
  void clearingEndsProbeFaults() {
    String gpu = node.deviceByIndex(2).uuid();
    node.inject(gpu, new SimFault.BadMemory(2));
    node.clearFaults(gpu);

    assertThat(node.probeFaults(gpu)).isEmpty();
    assertThat(node.activeFaults()).isEmpty();
  }

  @Test
  void resetEndsAHungKernelButNotBadMemoryOrSlowKernels() {
    String gpu = node.deviceByIndex(2).uuid();
    node.inject(gpu, new SimFault.HungKernel());
    node.inject(gpu, new SimFault.BadMemory(2));
    node.inject(gpu, new SimFault.SlowKernel(Duration.ofSeconds(1)));

    node.resetGpu(gpu);

    assertThat(node.probeFaults(gpu))
        .containsExactly(new SimFault.BadMemory(2), new SimFault.SlowKernel(Duration.ofSeconds(1)));
  }

  @Test
  void probeOfALostGpuOrItsMigDevicesMeetsGpuIsLost() {
    NvmlDevice gpu = node.deviceByIndex(0);
    String mig = gpu.migDevice(0).orElseThrow().uuid();
    node.inject(gpu.uuid(), new SimFault.Lost());

    assertRefused(() -> node.probeFaults(gpu.uuid()), NvmlReturn.GPU_IS_LOST);
    assertRefused(() -> node.probeFaults(mig), NvmlReturn.GPU_IS_LOST);
  }

  @Test
  void unknownDeviceAndNonsenseParametersAreRefusedWithOneLine() {
    assertThatThrownBy(() -> node.probeFaults("GPU-nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GPU-nope");
    assertThatThrownBy(() -> new SimFault.BadMemory(0))
        .hasMessage("bad-memory needs mismatches > 0, got 0");
    assertThatThrownBy(() -> new SimFault.SlowKernel(Duration.ZERO))
        .hasMessage("slow-kernel delay must be positive, got PT0S");
  }
}

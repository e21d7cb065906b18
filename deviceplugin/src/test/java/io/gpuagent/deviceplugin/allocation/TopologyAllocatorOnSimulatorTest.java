package io.gpuagent.deviceplugin.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.inventory.MigDevice;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TopologyAllocatorOnSimulatorTest {

  @Test
  void pcieNodePicksTheTwoGpusOfOneNumaNode() {
    try (SimulatedNodes sim = SimulatedNodes.start("pcie-mixed")) {
      PreferredAllocator allocator = sim.allocator();

      assertThat(allocator.choose(sim.allGpus(), List.of(), 2)).isEqualTo(sim.gpus(0, 1));
      assertThat(allocator.choose(sim.gpus(1, 2, 3), List.of(), 2)).isEqualTo(sim.gpus(2, 3));
    }
  }

  @Test
  void pcieNodeHonoursMustIncludeAndStaysOnItsNumaNode() {
    try (SimulatedNodes sim = SimulatedNodes.start("pcie-mixed")) {
      PreferredAllocator allocator = sim.allocator();

      assertThat(allocator.choose(sim.allGpus(), sim.gpus(3), 2)).isEqualTo(sim.gpus(2, 3));
      assertThat(allocator.choose(sim.allGpus(), sim.gpus(1), 2)).isEqualTo(sim.gpus(0, 1));
      assertThat(allocator.choose(sim.allGpus(), sim.gpus(0, 3), 3)).containsAll(sim.gpus(0, 3));
    }
  }

  @Test
  void nvswitchNodePrefersAPairBehindOnePcieSwitch() {
    try (SimulatedNodes sim = SimulatedNodes.start("h100x8")) {
      PreferredAllocator allocator = sim.allocator();

      assertThat(allocator.choose(sim.allGpus(), List.of(), 2)).isEqualTo(sim.gpus(0, 1));
      // 1-2 share only the upper switch; 6-7 sit behind one switch, so they win despite the index.
      assertThat(allocator.choose(sim.gpus(1, 2, 3, 5, 6, 7), List.of(), 2))
          .isEqualTo(sim.gpus(6, 7));
      assertThat(allocator.choose(sim.allGpus(), sim.gpus(5), 2)).isEqualTo(sim.gpus(4, 5));
    }
  }

  @Test
  void nvswitchNodeKeepsFourGpusOnOneNumaNode() {
    try (SimulatedNodes sim = SimulatedNodes.start("h100x8")) {
      PreferredAllocator allocator = sim.allocator();

      assertThat(allocator.choose(sim.allGpus(), List.of(), 4)).isEqualTo(sim.gpus(0, 1, 2, 3));
      assertThat(allocator.choose(sim.allGpus(), sim.gpus(6), 4)).isEqualTo(sim.gpus(4, 5, 6, 7));
      // The best PCIe pair 0-1 does not pull the set across sockets.
      assertThat(allocator.choose(sim.gpus(0, 1, 4, 5, 6, 7), List.of(), 4))
          .isEqualTo(sim.gpus(4, 5, 6, 7));
    }
  }

  @Test
  void wholeNodeAndSingleGpuRequestsAreAnswered() {
    try (SimulatedNodes sim = SimulatedNodes.start("h100x8")) {
      PreferredAllocator allocator = sim.allocator();

      assertThat(allocator.choose(sim.allGpus(), List.of(), 8)).isEqualTo(sim.allGpus());
      assertThat(allocator.choose(sim.allGpus(), List.of(), 1)).isEqualTo(sim.gpus(0));
      assertThat(allocator.choose(sim.allGpus(), sim.gpus(7), 1)).isEqualTo(sim.gpus(7));
    }
  }

  @Test
  void migDevicesOfOneGpuAreKeptTogether() {
    try (SimulatedNodes sim = SimulatedNodes.start("a100-mig")) {
      List<String> gpu0 = migUuids(sim, 0);
      List<String> gpu1 = migUuids(sim, 1);
      List<String> all = concat(gpu1, gpu0);
      PreferredAllocator allocator = sim.allocator();

      assertThat(allocator.choose(all, List.of(), 2)).isSubsetOf(gpu0);
      assertThat(allocator.choose(all, List.of(gpu1.get(2)), 3))
          .containsExactlyInAnyOrderElementsOf(gpu1);
      assertThat(allocator.choose(all, List.of(), 5)).containsAll(gpu0).hasSize(5);
    }
  }

  @Test
  void memorySlicesOfOneGpuAreKeptTogether() {
    try (SimulatedNodes sim = SimulatedNodes.start("h100x8")) {
      List<String> slicesOf2 = slices(sim.gpu(2), 4);
      List<String> slicesOf3 = slices(sim.gpu(3), 4);
      PreferredAllocator allocator = sim.allocator();

      assertThat(allocator.choose(concat(slicesOf2, slicesOf3), List.of(slicesOf3.get(3)), 3))
          .isSubsetOf(slicesOf3);
    }
  }

  @Test
  void directNvlinksOutweighPcieAndMigModeTurnsThemOff() {
    try (SimulatedNodes sim = SimulatedNodes.start("a100-mig")) {
      GpuTopology topology = sim.allocator().topology();

      // GPUs 2 and 3: four NVLinks and one PCIe switch; GPUs 0 and 1 are in MIG mode: PCIe only.
      assertThat(topology.score(2, 3)).isEqualTo(4 * 100 + 50);
      assertThat(topology.score(0, 1)).isEqualTo(50);
      assertThat(topology.score(0, 2)).isEqualTo(10);
    }
  }

  @Test
  void nvswitchPairsAllGetEighteenLinksPlusTheirPcieLevel() {
    try (SimulatedNodes sim = SimulatedNodes.start("h100x8")) {
      GpuTopology topology = sim.allocator().topology();

      assertThat(topology.score(0, 1)).isEqualTo(18 * 100 + 50);
      assertThat(topology.score(0, 2)).isEqualTo(18 * 100 + 40);
      assertThat(topology.score(0, 3)).isEqualTo(18 * 100 + 30);
      assertThat(topology.score(4, 6)).isEqualTo(18 * 100 + 20);
      assertThat(topology.score(0, 4)).isEqualTo(18 * 100 + 10);
    }
  }

  private static List<String> migUuids(SimulatedNodes sim, int gpuIndex) {
    return sim.inventory().gpus().get(gpuIndex).migDevices().stream().map(MigDevice::uuid).toList();
  }

  private static List<String> slices(String gpuUuid, int count) {
    return IntStream.range(0, count).mapToObj(n -> gpuUuid + "::" + n).toList();
  }

  private static List<String> concat(List<String> first, List<String> second) {
    return Stream.concat(first.stream(), second.stream()).toList();
  }
}

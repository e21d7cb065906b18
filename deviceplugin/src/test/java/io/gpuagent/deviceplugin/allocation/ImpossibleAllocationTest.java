package io.gpuagent.deviceplugin.allocation;

import static io.gpuagent.nvml.TopologyLevel.NODE;
import static io.gpuagent.nvml.TopologyLevel.SINGLE;
import static io.gpuagent.nvml.TopologyLevel.SYSTEM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.inventory.SimulatedInventories;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ImpossibleAllocationTest {
  private SimulatedNodes sim;
  private PreferredAllocator allocator;

  @BeforeEach
  void start() {
    sim = SimulatedNodes.start("pcie-mixed");
    allocator = sim.allocator();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void sizeBelowOneIsRefused() {
    assertOneLine(() -> allocator.choose(sim.allGpus(), List.of(), 0))
        .hasMessage("allocation size must be at least 1, got 0");
  }

  @Test
  void moreThanAvailableIsRefused() {
    assertOneLine(() -> allocator.choose(sim.gpus(0, 1), List.of(), 3))
        .hasMessage("cannot allocate 3 devices: only 2 are available");
  }

  @Test
  void mustIncludeThatIsNotAvailableIsRefused() {
    assertOneLine(() -> allocator.choose(sim.gpus(0, 1), sim.gpus(2), 2))
        .hasMessage("must-include device " + sim.gpu(2) + " is not among the available devices");
  }

  @Test
  void moreMustIncludeThanSizeIsRefused() {
    assertOneLine(() -> allocator.choose(sim.allGpus(), sim.gpus(0, 1, 2), 2))
        .hasMessage("3 must-include devices do not fit in an allocation of 2");
  }

  @Test
  void unknownDevicesAreNamed() {
    assertOneLine(() -> allocator.choose(List.of(sim.gpu(0), "GPU-nope"), List.of(), 1))
        .hasMessage("unknown device GPU-nope: not a GPU, MIG device or memory slice of this node");
    assertOneLine(() -> allocator.choose(List.of("GPU-nope::3"), List.of(), 1))
        .hasMessageStartingWith("unknown device GPU-nope::3:");
    assertOneLine(() -> allocator.choose(List.of(sim.gpu(0) + "::"), List.of(), 1))
        .hasMessageStartingWith("unknown device " + sim.gpu(0) + "::");
  }

  @Test
  void aGpuLostBeforeTheInventoryIsNotKnown() {
    try (SimulatedNode node = SimulatedNode.load("h100x8", SimOptions.defaults())) {
      node.init();
      String lost = node.deviceByIndex(3).uuid();
      node.inject(lost, new SimFault.Lost());
      Inventory inventory = new InventoryReader(node, SimulatedInventories.CLOCK).read();

      assertOneLine(
              () -> TopologyAllocator.build(node, inventory).choose(List.of(lost), List.of(), 1))
          .hasMessageStartingWith("unknown device " + lost);
    }
  }

  @Test
  void aGpuLostAfterTheInventoryKeepsItsNumaLocalityAndTheOthersTheirLinks() {
    try (SimulatedNodes h100 = SimulatedNodes.start("h100x8")) {
      h100.node().inject(h100.gpu(3), new SimFault.Lost());

      TopologyAllocator rebuilt = TopologyAllocator.build(h100.node(), h100.inventory());

      assertThat(rebuilt.topology().score(0, 1)).isEqualTo(18 * 100 + PairScore.pcieValue(SINGLE));
      assertThat(rebuilt.topology().score(0, 3)).isEqualTo(PairScore.pcieValue(NODE));
      assertThat(rebuilt.topology().score(3, 4)).isEqualTo(PairScore.pcieValue(SYSTEM));
      assertThat(rebuilt.choose(h100.gpus(2, 3, 4), List.of(), 2)).isEqualTo(h100.gpus(2, 4));
    }
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertOneLine(Executable request) {
    return assertThatThrownBy(request::execute)
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}

package io.gpuagent.deviceplugin.allocation;

import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.SimulatedInventories;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.util.Arrays;
import java.util.List;

/** A started simulated node, its inventory and an allocator built from both. */
record SimulatedNodes(SimulatedNode node, Inventory inventory, TopologyAllocator allocator)
    implements AutoCloseable {
  static SimulatedNodes start(String profile) {
    SimulatedInventories started =
        new SimulatedInventories(
            profile, new SimOptions("alloc-node", 11, SimulatedInventories.CLOCK));
    Inventory inventory = started.current();
    return new SimulatedNodes(
        started.node, inventory, TopologyAllocator.build(started.node, inventory));
  }

  /** The UUIDs of the GPUs at these NVML indices. */
  List<String> gpus(int... indices) {
    return Arrays.stream(indices).mapToObj(this::gpu).toList();
  }

  String gpu(int index) {
    return inventory.uuidAt(index).orElseThrow();
  }

  /** Every GPU UUID of the node, in index order. */
  List<String> allGpus() {
    return inventory.gpus().stream().map(Gpu::uuid).toList();
  }

  @Override
  public void close() {
    node.shutdown();
  }
}

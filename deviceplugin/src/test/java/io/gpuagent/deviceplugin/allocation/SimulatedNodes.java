package io.gpuagent.deviceplugin.allocation;

import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/** A started simulated node, its inventory and an allocator built from both. */
record SimulatedNodes(SimulatedNode node, Inventory inventory, TopologyAllocator allocator)
    implements AutoCloseable {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  static SimulatedNodes start(String profile) {
    SimulatedNode node = SimulatedNode.load(profile, new SimOptions("alloc-node", 11, CLOCK));
    node.init();
    Inventory inventory = new InventoryReader(node, CLOCK).read();
    return new SimulatedNodes(node, inventory, TopologyAllocator.build(node, inventory));
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

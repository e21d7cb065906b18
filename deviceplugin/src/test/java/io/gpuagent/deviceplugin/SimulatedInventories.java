package io.gpuagent.deviceplugin;

import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/** A simulated node and the inventories read from it, as the agent reads them. */
final class SimulatedInventories {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  final SimulatedNode node;
  private Inventory last;

  /** A profile of this module's test resources, e.g. {@code a100-single}. */
  static String testProfile(String name) {
    try {
      return Path.of(SimulatedInventories.class.getResource("/profiles/" + name + ".yaml").toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  SimulatedInventories(String profile) {
    node = SimulatedNode.load(profile, new SimOptions("node-a", 7, CLOCK));
    node.init();
    last = new InventoryReader(node, CLOCK).read();
  }

  Inventory current() {
    return last;
  }

  /** Reads again, naming lost GPUs by the UUIDs the previous inventory knew. */
  Inventory reread() {
    last = new InventoryReader(node, CLOCK).read(Optional.of(last));
    return last;
  }
}

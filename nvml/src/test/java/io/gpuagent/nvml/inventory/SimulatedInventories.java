package io.gpuagent.nvml.inventory;

import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

/**
 * A started simulated node and the inventories read from it, as the agent reads them: the one
 * simulated-node fixture of every module's tests (other modules take it from nvml's test-jar).
 */
public final class SimulatedInventories implements AutoCloseable {
  /**
   * The clock of {@link #SimulatedInventories(String)}: fixed, so every read gives the same node.
   */
  public static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  public final SimulatedNode node;
  private final Clock clock;
  private volatile Inventory last;

  /** Node {@code node-a}, seed 7, {@link #CLOCK}. */
  public SimulatedInventories(String profile) {
    this(profile, new SimOptions("node-a", 7, CLOCK));
  }

  public SimulatedInventories(String profile, SimOptions options) {
    node = SimulatedNode.load(profile, options);
    node.init();
    clock = options.clock();
    last = new InventoryReader(node, clock).read();
  }

  /** A profile of the calling module's test resources, e.g. {@code a100-single}. */
  public static String testProfile(String name) {
    URL url =
        Objects.requireNonNull(
            SimulatedInventories.class.getResource("/profiles/" + name + ".yaml"),
            "no test profile " + name);
    try {
      return Path.of(url.toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The inventory read last. */
  public Inventory current() {
    return last;
  }

  /** Reads again, naming lost GPUs by the UUIDs the previous inventory knew. */
  public Inventory reread() {
    last = new InventoryReader(node, clock).read(Optional.of(last));
    return last;
  }

  @Override
  public void close() {
    node.shutdown();
  }
}

package io.gpuagent.health;

import io.gpuagent.health.probe.ProbeRunner;
import io.gpuagent.health.probe.SimulatedProbeRunner;
import io.gpuagent.nvml.events.NvmlEventPump;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.SimulatedInventories;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.testing.Await;
import io.gpuagent.testing.ManualClock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A health service on a simulated node, wired as the agent wires it: the service's listener on a
 * real event pump, inventories read from the node. The loop is not started: tests drive checks and
 * probes themselves, so each step is deterministic.
 */
final class SimHealth implements AutoCloseable {
  static final Duration PUMP_WAIT = Duration.ofMillis(20);

  /** Deadline 300 ms, 3 passes to recover, probes only when asked. */
  static final HealthConfig CONFIG =
      HealthConfig.defaults()
          .withInterval(Duration.ofMinutes(1))
          .withProbeDeadline(Duration.ofMillis(300))
          .withPassesToRecover(3);

  final ManualClock clock = new ManualClock();
  final SimulatedNode node;
  final HealthService health;
  private final SimulatedInventories inventories;
  private Optional<NvmlEventPump> pump = Optional.empty();

  SimHealth(String profile, HealthConfig config) {
    this(profile, config, SimulatedProbeRunner::new);
  }

  SimHealth(String profile, HealthConfig config, Function<SimulatedNode, ProbeRunner> probes) {
    this(profile, config, probes, uuid -> false);
  }

  SimHealth(
      String profile,
      HealthConfig config,
      Function<SimulatedNode, ProbeRunner> probes,
      Predicate<String> heldByPod) {
    inventories = new SimulatedInventories(profile, new SimOptions("test-node", 42, clock));
    node = inventories.node;
    health =
        new HealthService(config, node, inventories::current, probes.apply(node), clock, heldByPod);
    health.onInventory(inventories.current());
  }

  /** Starts a pump with the health listener and waits until every GPU is registered. */
  SimHealth withEventPump() {
    NvmlEventPump started = new NvmlEventPump(node, NvmlEventPump.XID_AND_ECC, PUMP_WAIT);
    started.addListener(health.eventListener());
    started.start();
    started.onInventory(inventories.current());
    pump = Optional.of(started);
    Await.until(
        "every GPU registered for events",
        () -> started.registeredGpus().size() == inventories.current().gpus().size());
    return this;
  }

  /** Reads the inventory again and hands it to the service, as the agent does on a change. */
  Inventory refreshInventory() {
    Inventory next = inventories.reread();
    health.onInventory(next);
    return next;
  }

  Inventory inventory() {
    return inventories.current();
  }

  Gpu gpu(int index) {
    return inventories.current().gpus().stream()
        .filter(gpu -> gpu.index() == index)
        .findFirst()
        .orElseThrow();
  }

  DeviceHealthView view(String uuid) {
    DeviceHealthView view = health.current().get(uuid);
    if (view == null) {
      throw new AssertionError("the health service does not know " + uuid);
    }
    return view;
  }

  boolean healthy(String uuid) {
    return view(uuid).healthy();
  }

  Optional<HealthReason> reason(String uuid) {
    return view(uuid).reason();
  }

  @Override
  public void close() {
    pump.ifPresent(NvmlEventPump::close);
    health.close();
    inventories.close();
  }
}

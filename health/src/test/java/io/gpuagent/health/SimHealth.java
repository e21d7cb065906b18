package io.gpuagent.health;

import io.gpuagent.health.probe.ProbeRunner;
import io.gpuagent.health.probe.SimulatedProbeRunner;
import io.gpuagent.nvml.events.NvmlEventPump;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
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
  private final AtomicReference<Inventory> inventory = new AtomicReference<>();
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
    node = SimulatedNode.load(profile, new SimOptions("test-node", 42, clock));
    node.init();
    health = new HealthService(config, node, inventory::get, probes.apply(node), clock, heldByPod);
    refreshInventory();
  }

  /** Starts a pump with the health listener and waits until every GPU is registered. */
  SimHealth withEventPump() {
    NvmlEventPump started = new NvmlEventPump(node, NvmlEventPump.XID_AND_ECC, PUMP_WAIT);
    started.addListener(health.eventListener());
    started.start();
    started.onInventory(inventory.get());
    pump = Optional.of(started);
    Await.until(
        () -> started.registeredGpus().size() == inventory.get().gpus().size(),
        "every GPU registered for events");
    return this;
  }

  /** Reads the inventory again and hands it to the service, as the agent does on a change. */
  Inventory refreshInventory() {
    Inventory next = new InventoryReader(node, clock).read(Optional.ofNullable(inventory.get()));
    inventory.set(next);
    health.onInventory(next);
    return next;
  }

  Inventory inventory() {
    return inventory.get();
  }

  Gpu gpu(int index) {
    return inventory.get().gpus().stream()
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
    node.shutdown();
  }
}

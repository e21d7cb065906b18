package io.gpuagent.agent;

import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.deviceplugin.DeviceHealth;
import io.gpuagent.deviceplugin.DevicePluginService;
import io.gpuagent.deviceplugin.allocation.TopologyAllocator;
import io.gpuagent.exporter.MetricsExporter;
import io.gpuagent.health.DeviceHealthView;
import io.gpuagent.health.HealthMetrics;
import io.gpuagent.health.HealthService;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.events.NvmlEventPump;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.podresources.PodAssignmentSource;
import io.gpuagent.podresources.PodAssignments;
import io.gpuagent.podresources.PodResourcesWatcher;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feature modules of one node, connected: each inventory NodeInventory publishes goes to the
 * device plugin, the event pump and the health ledger, and the {@link InventoryWatcher} asks for a
 * new one on MIG events, health changes and fingerprint changes; the ledger's health goes to the
 * device plugin and the exporter; pod assignments go to the exporter and the device API. Modules
 * never see each other; this class is where they meet. Closed in the reverse order of start.
 */
public final class NodeServices implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeServices.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final HealthLedger health;
  private final Optional<PodResourcesWatcher> pods;
  private final Optional<DevicePluginService> devicePlugin;
  private final Optional<MetricsExporter> exporter;
  private final NvmlEventPump events;
  private final Optional<HealthService> healthModule;
  private final InventoryWatcher inventoryWatcher;

  private NodeServices(
      HealthLedger health,
      Optional<PodResourcesWatcher> pods,
      Optional<DevicePluginService> devicePlugin,
      Optional<MetricsExporter> exporter,
      NvmlEventPump events,
      Optional<HealthService> healthModule,
      InventoryWatcher inventoryWatcher) {
    this.health = health;
    this.inventoryWatcher = inventoryWatcher;
    this.healthModule = healthModule;
    this.pods = pods;
    this.devicePlugin = devicePlugin;
    this.exporter = exporter;
    this.events = events;
  }

  /**
   * Builds every enabled module from its configuration without starting anything; the loader has
   * already refused configuration mistakes.
   */
  static NodeServices create(
      AgentConfig config,
      Nvml nvml,
      Optional<SimulatedNode> simulator,
      NodeInventory inventory,
      Clock clock) {
    HealthLedger health = new HealthLedger(clock);
    Optional<PodResourcesWatcher> pods =
        config.podResources().isPresent()
            ? Optional.of(
                new PodResourcesWatcher(
                    config.podResources().get().socket(),
                    config.podResources().get().interval(),
                    clock))
            : Optional.empty();
    PodAssignmentSource assignments =
        pods.<PodAssignmentSource>map(watcher -> watcher).orElse(() -> PodAssignments.NONE);
    Optional<DevicePluginService> plugin =
        config.devicePlugin().isPresent()
            ? Optional.of(
                new DevicePluginService(
                    config.devicePlugin().get(), current -> TopologyAllocator.build(nvml, current)))
            : Optional.empty();
    Optional<MetricsExporter> exporter =
        config.metrics().isPresent()
            ? Optional.of(
                new MetricsExporter(
                    config.metrics().get(),
                    nvml,
                    () -> inventory.current().orElse(null),
                    assignments,
                    () -> exporterHealth(health.current()),
                    () -> pods.map(PodResourcesWatcher::failures).orElse(0L),
                    config.nodeName(),
                    clock))
            : Optional.empty();
    Optional<HealthService> healthModule =
        config.health().isPresent()
            ? Optional.of(
                new HealthService(
                    config.health().get(),
                    nvml,
                    () -> inventory.current().orElse(null),
                    ProbeLauncher.runner(simulator),
                    clock))
            : Optional.empty();
    exporter.ifPresent(
        metrics -> {
          plugin.ifPresent(p -> DevicePluginMetrics.register(metrics.registry(), p));
          healthModule.ifPresent(h -> HealthMetrics.register(metrics.registry(), h));
        });
    return new NodeServices(
        health,
        pods,
        plugin,
        exporter,
        new NvmlEventPump(nvml),
        healthModule,
        new InventoryWatcher(nvml, inventory, config.inventory().interval()));
  }

  /** Starts every module on the first inventory and subscribes them to later ones. */
  void start(NodeInventory inventory) {
    Inventory first = inventory.current().orElseThrow();
    health.onChange(this::pushHealth);
    pods.ifPresent(
        watcher -> {
          watcher.start();
          started.push(watcher);
        });
    exporter.ifPresent(metrics -> events.addListener(metrics::onNvmlEvent));
    healthModule.ifPresent(module -> events.addListener(module.eventListener()));
    events.addListener(inventoryWatcher);
    events.start();
    started.push(events);
    events.onInventory(first);
    exporter.ifPresent(
        metrics -> {
          metrics.start();
          started.push(metrics);
        });
    devicePlugin.ifPresent(
        plugin -> {
          plugin.start(first);
          plugin.onKubeletRestart(inventoryWatcher::checkSoon);
          started.push(plugin);
        });
    health.onInventory(first);
    healthModule.ifPresent(
        module -> {
          module.addListener(health::onTransition);
          // A GPU that stops or starts answering shows first as a health change.
          module.addListener(transition -> inventoryWatcher.checkSoon());
          module.onInventory(first);
          module.start();
          started.push(module);
        });
    inventory.addListener(events::onInventory);
    devicePlugin.ifPresent(plugin -> inventory.addListener(plugin::rebuild));
    inventory.addListener(health::onInventory);
    healthModule.ifPresent(module -> inventory.addListener(module::onInventory));
    inventoryWatcher.start();
    started.push(inventoryWatcher);
  }

  /** A GPU was reset (the simulator's reset route today): sticky reasons may clear. */
  public void onGpuReset(String uuid) {
    healthModule.ifPresent(module -> module.onGpuReset(uuid));
  }

  /** The health module's view of each device (state, reason, probes), when it runs. */
  public Map<String, DeviceHealthView> healthDetails() {
    return healthModule.map(HealthService::current).orElse(Map.of());
  }

  private void pushHealth(String uuid, DeviceHealth deviceHealth) {
    devicePlugin.ifPresent(
        plugin -> {
          try {
            plugin.setHealth(uuid, deviceHealth);
          } catch (IllegalArgumentException notAdvertised) {
            // e.g. a MIG device under a strategy that does not advertise it
            LOG.debug(
                "event=health-not-advertised uuid={} reason={}", uuid, notAdvertised.getMessage());
          }
        });
  }

  private static Map<String, io.gpuagent.exporter.DeviceHealth> exporterHealth(
      Map<String, DeviceHealth> ledger) {
    Map<String, io.gpuagent.exporter.DeviceHealth> view = new HashMap<>();
    ledger.forEach(
        (uuid, state) ->
            view.put(
                uuid,
                state instanceof DeviceHealth.Unhealthy bad
                    ? io.gpuagent.exporter.DeviceHealth.unhealthy(bad.reason())
                    : io.gpuagent.exporter.DeviceHealth.ok()));
    return view;
  }

  public Optional<DevicePluginService> devicePlugin() {
    return devicePlugin;
  }

  public Optional<MetricsExporter> exporter() {
    return exporter;
  }

  public PodAssignments podAssignments() {
    return pods.map(PodResourcesWatcher::current).orElse(PodAssignments.NONE);
  }

  public Map<String, DeviceHealth> health() {
    return health.current();
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable module = started.pop();
      try {
        module.close();
      } catch (Exception e) {
        LOG.warn(
            "event=module-close-failed module={} error={}",
            module.getClass().getSimpleName(),
            e.toString());
      }
    }
  }
}

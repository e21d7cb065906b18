package io.gpuagent.agent;

import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.deviceplugin.DevicePluginService;
import io.gpuagent.deviceplugin.DevicePluginWarmUp;
import io.gpuagent.deviceplugin.allocation.TopologyAllocator;
import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.deviceplugin.sharing.quota.ProcessSignals;
import io.gpuagent.deviceplugin.sharing.quota.QuotaMonitor;
import io.gpuagent.deviceplugin.sharing.quota.QuotaReport;
import io.gpuagent.exporter.MetricsExporter;
import io.gpuagent.exporter.SharingAccountingSource;
import io.gpuagent.health.DeviceHealthView;
import io.gpuagent.health.HealthMetrics;
import io.gpuagent.health.HealthService;
import io.gpuagent.mig.GpuReset;
import io.gpuagent.mig.MigManager;
import io.gpuagent.mig.label.NodeLabelSync;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.events.NvmlEventPump;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.podresources.PodAssignmentSource;
import io.gpuagent.podresources.PodAssignments;
import io.gpuagent.podresources.PodResourcesWatcher;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feature modules of one node, connected. Each inventory {@link NodeInventory} publishes goes
 * to the event pump, the health service and the device plugin, in that order (health first, so a
 * rebuilt plan is advertised with the verdicts of its inventory); the {@link InventoryWatcher} asks
 * for a new one on MIG events, health changes, kubelet restarts and fingerprint changes. The health
 * service's verdicts go to the device plugin (pushed) and the exporter (read each sample); pod
 * assignments go to the exporter, the device API and the probes. Modules never see each other; this
 * class is where they meet. Closed in the reverse order of start.
 */
public final class NodeServices implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeServices.class);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final Optional<PodResourcesWatcher> pods;
  private final PodAssignmentSource assignments;
  private final Optional<SimulatedPods> simulatedPods;
  private final Optional<QuotaMonitor> quota;
  private final Optional<DevicePluginService> devicePlugin;
  private final Optional<MetricsExporter> exporter;
  private final NvmlEventPump events;

  /** The one decider of device health; without health watching it decides from the inventory. */
  private final HealthService health;

  private final boolean healthWatching;
  private final InventoryWatcher inventoryWatcher;
  private final MigManager mig;
  private final Optional<NodeLabelSync> migLabel;
  private final Object healthPush = new Object();

  private NodeServices(
      Optional<PodResourcesWatcher> pods,
      PodAssignmentSource assignments,
      Optional<SimulatedPods> simulatedPods,
      Optional<QuotaMonitor> quota,
      Optional<DevicePluginService> devicePlugin,
      Optional<MetricsExporter> exporter,
      NvmlEventPump events,
      HealthService health,
      boolean healthWatching,
      InventoryWatcher inventoryWatcher,
      MigManager mig,
      Optional<NodeLabelSync> migLabel) {
    this.pods = pods;
    this.assignments = assignments;
    this.simulatedPods = simulatedPods;
    this.quota = quota;
    this.devicePlugin = devicePlugin;
    this.exporter = exporter;
    this.events = events;
    this.health = health;
    this.healthWatching = healthWatching;
    this.inventoryWatcher = inventoryWatcher;
    this.mig = mig;
    this.migLabel = migLabel;
  }

  /**
   * Builds every enabled module from {@code config} without starting anything, so configuration
   * mistakes surface before the agent starts.
   */
  static NodeServices create(
      AgentConfig config,
      Nvml nvml,
      Optional<SimulatedNode> simulator,
      NodeInventory inventory,
      Clock clock) {
    Optional<SimulatedPods> simulatedPods =
        simulator
            .filter(node -> !node.pods().isEmpty())
            .filter(
                node -> config.podResources().map(pr -> !Files.exists(pr.socket())).orElse(true))
            .map(SimulatedPods::new);
    Optional<PodResourcesWatcher> pods =
        config
            .podResources()
            .filter(pr -> simulatedPods.isEmpty())
            .map(pr -> new PodResourcesWatcher(pr.socket(), pr.interval(), clock));
    PodAssignmentSource assignments =
        simulatedPods
            .<PodAssignmentSource>map(simulated -> simulated)
            .or(() -> pods.map(watcher -> watcher))
            .orElse(() -> PodAssignments.NONE);
    Optional<DevicePluginService> plugin =
        config
            .devicePlugin()
            .map(
                pluginConfig ->
                    new DevicePluginService(
                        pluginConfig, current -> TopologyAllocator.build(nvml, current)));
    if (config.warmUp().enabled()) {
      plugin.ifPresent(
          p -> p.warmUpBeforeRegistering(DevicePluginWarmUp.ROUNDS, config.warmUp().budget()));
    }
    Predicate<String> heldByPod = uuid -> !assignments.current().holders(uuid).isEmpty();
    Optional<QuotaMonitor> quota =
        config
            .quota()
            .map(
                quotaConfig ->
                    new QuotaMonitor(
                        simulatedPods
                            .map(simulated -> quotaConfig.withProcRoot(simulated.procRoot()))
                            .orElse(quotaConfig),
                        nvml,
                        sharedDevices(plugin),
                        assignments,
                        simulatedPods.map(SimulatedPods::signals).orElse(ProcessSignals.host()),
                        clock));
    boolean healthWatching = config.health().isPresent();
    HealthService health =
        config
            .health()
            .map(
                healthConfig ->
                    new HealthService(
                        healthConfig,
                        nvml,
                        () -> inventory.current().orElse(null),
                        ProbeLauncher.runner(simulator),
                        clock,
                        heldByPod))
            .orElseGet(() -> HealthService.inventoryOnly(nvml, clock));
    Optional<MetricsExporter> exporter =
        config
            .metrics()
            .map(
                exporterConfig ->
                    new MetricsExporter(
                        exporterConfig,
                        nvml,
                        () -> inventory.current().orElse(null),
                        assignments,
                        health::verdicts,
                        quota
                            .<SharingAccountingSource>map(
                                monitor -> () -> QuotaAccounting.of(monitor.current()))
                            .orElse(SharingAccountingSource.NONE),
                        () -> pods.map(PodResourcesWatcher::failures).orElse(0L),
                        config.nodeName(),
                        clock));
    // MIG: drains through the device plugin and podresources; a mode change resets the GPU
    GpuReset reset =
        simulator
            .<GpuReset>map(
                node ->
                    gpu -> {
                      node.resetGpu(gpu.uuid());
                      health.onGpuReset(gpu.uuid());
                    })
            .orElseGet(NvidiaSmiReset::new);
    MigManager mig = new MigManager(nvml, config.mig(), new MigDrain(plugin, pods), reset, clock);
    exporter.ifPresent(
        metrics -> {
          MigMetrics.register(metrics.registry(), mig);
          plugin.ifPresent(p -> DevicePluginMetrics.register(metrics.registry(), p));
          if (healthWatching) {
            HealthMetrics.register(metrics.registry(), health);
          }
        });
    return new NodeServices(
        pods,
        assignments,
        simulatedPods,
        quota,
        plugin,
        exporter,
        new NvmlEventPump(nvml),
        health,
        healthWatching,
        new InventoryWatcher(nvml, inventory, config.inventory().interval()),
        mig,
        migLabel(config, mig));
  }

  /** With {@code mig.nodeLabel}: the sync that applies the layout this node's label names. */
  private static Optional<NodeLabelSync> migLabel(AgentConfig config, MigManager mig) {
    if (!config.mig().nodeLabel()) {
      return Optional.empty();
    }
    return Optional.of(NodeLabelSync.inCluster(config.nodeName(), mig));
  }

  /**
   * The sharing plan in force, UUID → shared device, for the quota monitor; none without a plugin.
   */
  private static Supplier<Map<String, SharedDevice>> sharedDevices(
      Optional<DevicePluginService> plugin) {
    return plugin.<Supplier<Map<String, SharedDevice>>>map(p -> p::sharedDevices).orElse(Map::of);
  }

  /** Starts every module on the first inventory and subscribes them to later ones. */
  void start(NodeInventory inventory) {
    Inventory first = inventory.current().orElseThrow();
    health.addVerdictListener(verdicts -> pushHealth());
    // A GPU that stops or starts answering shows first as a health change.
    health.addListener(transition -> inventoryWatcher.checkSoon());
    health.onInventory(first);
    pods.ifPresent(
        watcher -> {
          watcher.start();
          started.push(watcher);
        });
    quota.ifPresent(
        monitor -> {
          monitor.start();
          started.push(monitor);
        });
    exporter.ifPresent(metrics -> events.addListener(metrics::onNvmlEvent));
    if (healthWatching) {
      events.addListener(health.eventListener());
    }
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
          plugin.onHealth(health.verdicts());
          plugin.start(first);
          plugin.onKubeletRestart(inventoryWatcher::checkSoon);
          started.push(plugin);
        });
    health.start();
    started.push(health);
    inventory.addListener(this::onInventory);
    inventoryWatcher.start();
    started.push(inventoryWatcher);
    startMigLayout();
  }

  /**
   * Applies {@code mig.selected} in the background once everything serves: the device plugin drains
   * each GPU it changes, and the MIG events bring the rebuild that re-advertises.
   */
  private void startMigLayout() {
    if (migLabel.isPresent()) {
      started.push(migLabel.get());
      migLabel.get().start();
      return;
    }
    if (mig.config().selected().isEmpty()) {
      return;
    }
    ExecutorService executor =
        Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "gpu-agent-mig"));
    started.push(executor::shutdownNow);
    executor.execute(
        () -> {
          try {
            mig.applySelected();
          } catch (RuntimeException e) {
            LOG.atWarn()
                .setMessage("mig-apply-failed")
                .addKeyValue("layout", mig.config().selected().orElse(""))
                .addKeyValue("error", e.getMessage())
                .log();
          }
        });
  }

  /** The MIG manager: {@code /api/v1/mig} and the node label choose layouts through it. */
  public MigManager mig() {
    return mig;
  }

  /** A GPU was reset (the simulator's reset route today): sticky reasons may clear. */
  public void onGpuReset(String uuid) {
    health.onGpuReset(uuid);
  }

  /** The health module's evidence for each device (probes, XIDs), when health watching runs. */
  public Map<String, DeviceHealthView> healthDetails() {
    return healthWatching ? health.current() : Map.of();
  }

  /** The one rebuild path, after NodeInventory published {@code next}. */
  private void onInventory(Inventory next) {
    events.onInventory(next);
    // health first, so the rebuilt plan is advertised with the verdicts of this inventory
    health.onInventory(next);
    pushHealth();
    devicePlugin.ifPresent(plugin -> plugin.rebuild(next));
  }

  /**
   * Hands the device plugin the latest verdicts. Called from the health listener thread and the
   * inventory watcher; reading the latest map under one lock means an older map can never land
   * after a newer one.
   */
  private void pushHealth() {
    synchronized (healthPush) {
      devicePlugin.ifPresent(plugin -> plugin.onHealth(health.verdicts()));
    }
  }

  public Optional<DevicePluginService> devicePlugin() {
    return devicePlugin;
  }

  public Optional<MetricsExporter> exporter() {
    return exporter;
  }

  public PodAssignments podAssignments() {
    return assignments.current();
  }

  /** The quota monitor's latest report on shared GPUs, when the monitor runs. */
  public Optional<QuotaReport> quotaReport() {
    return quota.map(QuotaMonitor::current);
  }

  /** The health verdict of every device, by GPU or MIG UUID (the health service's). */
  public Map<String, HealthState> health() {
    return health.verdicts();
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable module = started.pop();
      try {
        module.close();
      } catch (Exception e) {
        LOG.atWarn()
            .setMessage("module-close-failed")
            .addKeyValue("module", module.getClass().getSimpleName())
            .addKeyValue("error", e.toString())
            .log();
      }
    }
    // made with the services (not started): its /proc tree goes last, after the quota monitor
    try {
      simulatedPods.ifPresent(SimulatedPods::close);
    } catch (RuntimeException e) {
      LOG.atWarn()
          .setMessage("module-close-failed")
          .addKeyValue("module", SimulatedPods.class.getSimpleName())
          .addKeyValue("error", e.toString())
          .log();
    }
  }
}

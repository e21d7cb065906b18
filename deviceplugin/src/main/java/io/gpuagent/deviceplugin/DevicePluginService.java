package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.allocation.PreferredAllocator;
import io.gpuagent.deviceplugin.sharing.MpsDaemonStatus;
import io.gpuagent.deviceplugin.sharing.MpsDaemons;
import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.deviceplugin.sharing.SharingMode;
import io.gpuagent.deviceplugin.sharing.SliceAllocator;
import io.gpuagent.deviceplugin.v1beta1.DevicePluginOptions;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Inventory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet device plugin for GPUs and MIG devices: one gRPC server per resource, each on its own
 * Unix socket in the device-plugin directory, registered with the kubelet and registered again
 * whenever the kubelet restarts. Inventory changes, kubelet restarts and lost sockets all go
 * through {@link #rebuild}; the health module's verdicts ({@link #onHealth}) are pushed to every
 * ListAndWatch stream.
 */
public final class DevicePluginService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DevicePluginService.class);

  /** Our sockets' names start with this; files like it left from an earlier run are removed. */
  public static final String SOCKET_PREFIX = "gpu-agent-";

  public static final String KUBELET_SOCKET = "kubelet.sock";

  /** How often the directory is checked besides on file events. */
  private static final Duration DIRECTORY_CHECK_PERIOD = Duration.ofMillis(500);

  private final DevicePluginConfig config;
  private final Function<Inventory, PreferredAllocator> allocators;
  private final ResourcePlanner planner;
  private final ContainerAllocation allocation;
  private final DevicePluginOptions options;
  private final Path kubeletSocket;
  private final List<Runnable> kubeletRestartListeners = new CopyOnWriteArrayList<>();

  // Confined to the lifecycle thread.
  private PluginEndpoints endpoints;
  private Optional<SocketFileId> lastKubelet = Optional.empty();
  private boolean restartUnannounced;
  private Inventory allocatorInventory;
  private PreferredAllocator allocator;
  private MigCapabilityCheck capabilities = MigCapabilityCheck.NONE;

  // Published for readers on other threads.
  private volatile Map<String, HealthState> health = Map.of();
  private volatile ResourcePlan plan;
  private volatile List<PluginEndpoint> endpointView = List.of();
  private volatile List<String> problems = List.of();
  private volatile Set<String> withdrawn = Set.of();

  private final StartUpWarmUp warmUp;
  private Runnable beforeFirstRegistration = () -> {};
  private final KubeletActivity activity = new KubeletActivity();

  private final Optional<MpsDaemons> mps;
  private LifecycleExecutor lifecycle;
  private DomainSockets sockets;
  private KubeletRegistrar registrar;
  private PluginDirectoryWatcher watcher;
  private PluginDirLock dirLock;
  private boolean started;
  private volatile boolean closed;

  /**
   * @param allocators builds the GetPreferredAllocation policy for an inventory; called once per
   *     inventory, e.g. {@code inventory -> TopologyAllocator.build(nvml, inventory)}
   */
  public DevicePluginService(
      DevicePluginConfig config, Function<Inventory, PreferredAllocator> allocators) {
    this.config = Objects.requireNonNull(config, "config");
    this.allocators = Objects.requireNonNull(allocators, "allocators");
    this.planner = new ResourcePlanner(config);
    this.allocation = new ContainerAllocation(config);
    this.options =
        DevicePluginOptions.newBuilder()
            .setPreStartRequired(config.preStartRequired())
            .setGetPreferredAllocationAvailable(true)
            .build();
    this.warmUp = new StartUpWarmUp(options, allocation);
    this.kubeletSocket = config.pluginDir().resolve(KUBELET_SOCKET);
    this.mps =
        config.sharing().usesMps()
            ? Optional.of(new MpsDaemons(config.sharing(), Clock.systemUTC()))
            : Optional.empty();
  }

  /**
   * Run the kubelet's calls {@code rounds} times through a throwaway copy of the largest resource,
   * so the first real call finds its code compiled ({@link DevicePluginWarmUp}): as many rounds as
   * {@code budget} allows before the first registration, the rest in the background while the
   * kubelet is quiet ({@link StartUpWarmUp}). Call before {@link #start}.
   */
  public void warmUpBeforeRegistering(int rounds, Duration budget) {
    // its early round starts now, while the agent reads its inventory and starts its other modules
    warmUp.plan(rounds, budget);
  }

  /**
   * Runs {@code task} once, after the gRPC warm-up and just before the first registration, e.g. to
   * wait for the agent's HTTP server: a start that fails then fails before the kubelet hears of us.
   * What it throws fails {@link #start}. Call before {@link #start}.
   */
  public synchronized void beforeFirstRegistration(Runnable task) {
    this.beforeFirstRegistration = Objects.requireNonNull(task, "task");
  }

  /** What the warm-up before the first registration did; empty when none ran. */
  public Optional<DevicePluginWarmUp.Result> warmUp() {
    return warmUp.result();
  }

  /**
   * Removes stale sockets of an earlier run, serves every resource of {@code inventory} and starts
   * registering; registration goes on in the background until the kubelet accepts it.
   *
   * @throws IllegalStateException when started twice, or without epoll (not Linux x86_64)
   * @throws UncheckedIOException when the directory or a socket cannot be made
   */
  public void start(Inventory inventory) {
    Objects.requireNonNull(inventory, "inventory");
    synchronized (this) {
      if (started || closed) {
        throw new IllegalStateException("the device plugin service can be started only once");
      }
      started = true;
    }
    PluginDirLock lock;
    try {
      Files.createDirectories(config.pluginDir());
      // before any socket is touched: a second agent must never remove a live one
      lock = PluginDirLock.acquire(config.pluginDir(), config.lockWait(), () -> closed);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "device plugin directory " + config.pluginDir() + ": " + e.getMessage(), e);
    }
    synchronized (this) {
      dirLock = lock;
      if (closed) {
        lock.close();
        throw new IllegalStateException("the device plugin service was closed while starting");
      }
      startLocked(inventory);
    }
  }

  private void startLocked(Inventory inventory) {
    try {
      PluginEndpoints.removeStale(config.pluginDir());
      // one loop thread serves every resource: the kubelet makes a few calls an hour
      sockets = new DomainSockets("deviceplugin-io", 1);
      lifecycle = new LifecycleExecutor("deviceplugin-lifecycle");
      registrar =
          new KubeletRegistrar(
              kubeletSocket, sockets, lifecycle, Clock.systemUTC(), this::afterRegistration);
      endpoints =
          new PluginEndpoints(
              config.pluginDir(), sockets, registrar, options, allocation, activity);
      lifecycle.call(() -> rebuildNow(inventory));
      watcher =
          new PluginDirectoryWatcher(
              config.pluginDir(), DIRECTORY_CHECK_PERIOD, this::checkDirectorySoon);
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(
          "device plugin directory " + config.pluginDir() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * The one rebuild path: plans resources from {@code inventory}, keeps the servers of unchanged
   * resources (their streams get the new list), starts servers for new resources or lost sockets,
   * stops those of vanished resources, and registers every server the running kubelet does not
   * know. Idempotent; the latest health verdicts apply to it. Returns once the servers are up.
   */
  public void rebuild(Inventory inventory) {
    Objects.requireNonNull(inventory, "inventory");
    requireRunning();
    lifecycle.call(() -> rebuildNow(inventory));
  }

  /**
   * Takes the health module's verdicts, every device by GPU or MIG UUID (a device not named is
   * healthy). When it returns, Allocate answers by them and every ListAndWatch stream whose devices
   * changed health has been sent the new list. Before {@link #start} the verdicts are kept for it.
   * The health module logs each transition; this does not log again.
   */
  public void onHealth(Map<String, HealthState> verdicts) {
    Map<String, HealthState> next = Map.copyOf(Objects.requireNonNull(verdicts, "verdicts"));
    Map<String, HealthState> before = health;
    health = next;
    if (!started || closed || plan == null || !advertisedChange(before, next)) {
      return;
    }
    try {
      lifecycle.call(this::publishHealth);
    } catch (RejectedExecutionException e) {
      LOG.atDebug().setMessage("health-after-close").addKeyValue("error", e.getMessage()).log();
    }
  }

  /**
   * Runs {@code listener} after each kubelet restart, once this service has re-registered from the
   * inventory it has. The agent asks for a fresh inventory then, as NVIDIA's plugin re-reads its
   * devices on a restart; a changed one comes back through {@link #rebuild}.
   */
  public void onKubeletRestart(Runnable listener) {
    kubeletRestartListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Stops offering one GPU's devices (the GPU and its MIG devices): they leave every ListAndWatch
   * list and Allocate refuses them, until {@link #restore}. Pods that hold them keep them. For a
   * MIG re-layout, which drains only the GPU it changes. Returns once the lists are sent.
   */
  public void withdraw(String gpuUuid) {
    changeWithdrawn(gpuUuid, true);
  }

  /** Offers a withdrawn GPU's devices again, as the current plan has them. */
  public void restore(String gpuUuid) {
    changeWithdrawn(gpuUuid, false);
  }

  private synchronized void changeWithdrawn(String gpuUuid, boolean withdraw) {
    Objects.requireNonNull(gpuUuid, "gpuUuid");
    Set<String> next = new HashSet<>(withdrawn);
    boolean changed = withdraw ? next.add(gpuUuid) : next.remove(gpuUuid);
    if (!changed) {
      return;
    }
    withdrawn = Set.copyOf(next);
    LOG.atInfo()
        .setMessage(withdraw ? "gpu-withdrawn" : "gpu-restored")
        .addKeyValue("uuid", gpuUuid)
        .log();
    if (!started || closed || plan == null) {
      return;
    }
    try {
      lifecycle.call(this::publishHealth);
    } catch (RejectedExecutionException e) {
      LOG.atDebug().setMessage("withdraw-after-close").addKeyValue("error", e.getMessage()).log();
    }
  }

  /** What is advertised now, with registration state and health. */
  public DevicePluginStatus status() {
    return new DevicePluginStatus(
        endpointView.stream().map(PluginEndpoint::status).toList(), problems);
  }

  /**
   * The GPU and MIG devices the current plan shares, by UUID; empty before {@link #start} and when
   * nothing is shared. Safe from any thread.
   */
  public Map<String, SharedDevice> sharedDevices() {
    ResourcePlan current = plan;
    return current == null ? Map.of() : current.shared();
  }

  /** The MPS control daemons the agent supervises, one per device shared with MPS. */
  public List<MpsDaemonStatus> mpsDaemons() {
    return mps.map(MpsDaemons::status).orElse(List.of());
  }

  /**
   * Why something is not advertised, one line each (e.g. a node that breaks the {@code single} MIG
   * strategy); empty when all is well.
   */
  public List<String> problems() {
    return problems;
  }

  /** Stops the directory watch, registration and every server, and removes our sockets. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (watcher != null) {
      watcher.close();
    }
    if (lifecycle != null) {
      try {
        lifecycle.call(this::closeEndpoints);
      } catch (RejectedExecutionException e) {
        closeEndpoints();
      }
      lifecycle.shutdownNow();
      awaitTermination(lifecycle);
    }
    if (sockets != null) {
      sockets.close();
    }
    mps.ifPresent(MpsDaemons::close);
    if (dirLock != null) {
      dirLock.close(); // after our sockets are gone
    }
  }

  private Void rebuildNow(Inventory inventory) {
    ResourcePlan next = planner.plan(inventory, Optional.ofNullable(plan));
    if (allocatorInventory != inventory) {
      allocator = allocators.apply(inventory);
      allocatorInventory = inventory;
    }
    capabilities = MigCapabilityCheck.run(config, next);
    List<ResourceSnapshot> snapshots =
        next.resources().stream()
            .map(resource -> snapshot(next, withoutWithdrawn(resource)))
            .toList();
    warmUp.beforeRegistering(config.pluginDir(), sockets, snapshots, activity, () -> !closed);
    Runnable before = beforeFirstRegistration;
    beforeFirstRegistration = () -> {};
    before.run();
    Optional<SocketFileId> kubelet = SocketFileId.of(kubeletSocket);
    lastKubelet = kubelet;
    try {
      endpoints.reconcile(snapshots, kubelet);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the device plugin: " + e.getMessage(), e);
    } finally {
      plan = next;
      endpointView = endpoints.view();
      reportProblems(next);
      mps.ifPresent(daemons -> daemons.update(next.shared()));
    }
    return null;
  }

  /**
   * A resource's snapshot: memory slices are allocated best fit on one device, everything else by
   * topology.
   */
  private ResourceSnapshot snapshot(ResourcePlan next, PlannedResource resource) {
    Map<String, SharedDevice> shared = new LinkedHashMap<>();
    List<String> sliced = new ArrayList<>();
    for (PlannedDevice device : resource.devices()) {
      SharedDevice share = next.shared().get(device.target());
      if (share != null && shared.put(device.target(), share) == null) {
        if (share.mode() == SharingMode.MEMORY_SLICES) {
          sliced.add(device.target());
        }
      }
    }
    PreferredAllocator policy =
        resource.defaultShortName().equals(SharePlanner.GPU_MEMORY)
            ? new SliceAllocator(sliced)
            : allocator;
    return ResourceSnapshot.of(resource, health, policy, capabilities.capabilities(), shared);
  }

  /**
   * Rebuilds when kubelet.sock was re-created (a kubelet restart) or one of our sockets is gone.
   */
  private void checkDirectory() {
    if (closed || plan == null) {
      return;
    }
    Optional<SocketFileId> kubelet = SocketFileId.of(kubeletSocket);
    boolean kubeletChanged = !kubelet.equals(lastKubelet);
    lastKubelet = kubelet;
    boolean socketsLost = endpoints.anySocketLost();
    // A starting kubelet empties this directory: our sockets gone while its socket is there is a
    // restart even when the new kubelet.sock looks like the old one (a reused inode within the
    // same coarse timestamp tick).
    boolean restarted = kubelet.isPresent() && (kubeletChanged || socketsLost);
    boolean changed = kubeletChanged || restarted;
    if (changed) {
      activity.touch();
      endpoints.kubeletChanged(kubelet);
    }
    // Sockets lost while kubelet.sock is missing: a starting kubelet is emptying the directory and
    // would delete a socket made now; it makes kubelet.sock when it is done, and that is a restart.
    if (restarted) {
      serveAgain(kubelet);
    }
    // The new servers are registering by now: the lock file (a kubelet wipes it too) and the log
    // line come after.
    dirLock.reassert();
    if (changed) {
      LOG.atInfo()
          .setMessage("kubelet-socket-changed")
          .addKeyValue("socket", kubeletSocket)
          .addKeyValue("present", kubelet.isPresent())
          .addKeyValue("socketsLost", socketsLost)
          .log();
    }
    if (restarted) {
      restartUnannounced = true;
    } else if (activity.quietFor(BackgroundWarmUp.QUIET)) {
      endpoints.tidyUp();
    }
  }

  /**
   * The same devices to a restarted kubelet: each endpoint whose socket it deleted is served anew
   * with the snapshot it had and registers. No re-planning: the inventory, health and withdrawn
   * GPUs have not changed with the kubelet (their changes come through {@link #rebuild}, {@link
   * #onHealth} and {@link #withdraw}), and the restart listeners check the inventory once the
   * registrations are done.
   */
  private void serveAgain(Optional<SocketFileId> kubelet) {
    try {
      endpoints.serveAgain(kubelet);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the device plugin: " + e.getMessage(), e);
    } finally {
      endpointView = endpoints.view();
    }
  }

  /**
   * Once every endpoint is registered with the kubelet that restarted, the restart listeners run:
   * their work (an inventory check) then never competes with the kubelet's calls that follow a
   * registration.
   */
  private void afterRegistration() {
    activity.touch();
    if (restartUnannounced
        && endpoints.view().stream().allMatch(endpoint -> endpoint.registration().registered())) {
      restartUnannounced = false;
      kubeletRestartListeners.forEach(Runnable::run);
    }
  }

  private void checkDirectorySoon() {
    onLifecycle(this::checkDirectory);
  }

  private boolean advertisedChange(Map<String, HealthState> before, Map<String, HealthState> next) {
    return plan.resources().stream()
        .flatMap(resource -> resource.devices().stream())
        .map(PlannedDevice::target)
        .distinct()
        .anyMatch(
            id ->
                !next.getOrDefault(id, ResourceSnapshot.UNJUDGED)
                    .equals(before.getOrDefault(id, ResourceSnapshot.UNJUDGED)));
  }

  private Void publishHealth() {
    endpoints.refresh(
        current ->
            ResourceSnapshot.of(
                withoutWithdrawn(planned(current.resource())),
                health,
                current.allocator(),
                current.capabilities(),
                current.shared()));
    return null;
  }

  /** The resource as the plan has it, every device included. */
  private PlannedResource planned(PlannedResource served) {
    return plan.resources().stream()
        .filter(resource -> resource.name().equals(served.name()))
        .findFirst()
        .orElse(served);
  }

  /** The resource without the devices of withdrawn GPUs. */
  private PlannedResource withoutWithdrawn(PlannedResource resource) {
    Set<String> gpus = withdrawn;
    if (gpus.isEmpty()) {
      return resource;
    }
    return resource.withDevices(
        resource.devices().stream().filter(d -> !gpus.contains(d.gpuUuid())).toList());
  }

  private void reportProblems(ResourcePlan next) {
    List<String> now = new ArrayList<>(next.problems());
    now.addAll(capabilities.problems());
    for (String problem : now) {
      if (!problems.contains(problem)) {
        LOG.atWarn().setMessage("deviceplugin-problem").addKeyValue("problem", problem).log();
      }
    }
    problems = List.copyOf(now);
  }

  private Void closeEndpoints() {
    // its background rounds run on a thread of their own, in this directory: stopped first
    warmUp.close();
    if (endpoints != null) {
      endpoints.closeAll();
    }
    if (registrar != null) {
      registrar.close();
    }
    endpointView = List.of();
    return null;
  }

  private void onLifecycle(Runnable task) {
    try {
      lifecycle.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.atDebug().setMessage("task-after-close").addKeyValue("error", e.getMessage()).log();
    }
  }

  private void requireRunning() {
    if (!started || plan == null) {
      throw new IllegalStateException("the device plugin service is not started");
    }
    if (closed) {
      throw new IllegalStateException("the device plugin service is closed");
    }
  }

  private static void awaitTermination(LifecycleExecutor executor) {
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        LOG.atWarn().setMessage("lifecycle-stop-slow").log();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

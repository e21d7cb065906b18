package io.gpuagent.health;

import io.gpuagent.health.probe.ProbeResult;
import io.gpuagent.health.probe.ProbeRunner;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.events.NvmlEventListener;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Inventory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides the health of every GPU and MIG device: GPUs the inventory could not
 * read, XIDs from the NVML event pump ({@link #eventListener()}), error counters polled every
 * {@code interval}, and probes run in child processes every {@code probeInterval}. Each device is
 * healthy or unhealthy with a reason, and recovers once its cause has ended and enough probes pass
 * in a row. A MIG device follows its GPU.
 *
 * <p>Usage: construct, add the {@link #eventListener()} to the pump, {@link #addVerdictListener},
 * {@link #start()}; call {@link #onInventory} on every inventory change and {@link #onGpuReset}
 * after a GPU reset; read {@link #verdicts()} and {@link #current()} any time (they never lock or
 * call NVML); {@link #close()} at shutdown. The service owns the probe runner and closes it. With
 * health watching switched off, {@link #inventoryOnly} still decides from the inventory alone.
 */
public final class HealthService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthService.class);

  private final HealthConfig config;
  private final Supplier<Inventory> inventorySource;
  private final ProbeRunner runner;
  private final HealthBook book;
  private final XidWatcher xids;
  private final CounterPoller poller;
  private final ProbeScheduler scheduler;
  private final List<Consumer<HealthTransition>> listeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Map<String, HealthState>>> verdictListeners =
      new CopyOnWriteArrayList<>();
  private final boolean watching;
  private final ScheduledExecutorService loop;
  private final ExecutorService notifier;
  private final AtomicBoolean started = new AtomicBoolean();
  private final Clock clock;
  private final Object inventoryLock = new Object();
  private volatile Inventory inventory;

  /** A service that no pod holds devices of (tests, a node without podresources). */
  public HealthService(
      HealthConfig config,
      Nvml nvml,
      Supplier<Inventory> inventory,
      ProbeRunner probes,
      Clock clock) {
    this(config, nvml, inventory, probes, clock, uuid -> false);
  }

  /**
   * @param inventory the agent's current inventory, read each cycle; null before the first one
   * @param probes runs the probes; the service closes it
   * @param clock the time of states, transitions and probe schedules
   * @param heldByPod whether a pod holds a GPU or MIG UUID (the kubelet's podresources): such a
   *     device is not probed while its GPU is in EXCLUSIVE_PROCESS compute mode
   */
  public HealthService(
      HealthConfig config,
      Nvml nvml,
      Supplier<Inventory> inventory,
      ProbeRunner probes,
      Clock clock,
      Predicate<String> heldByPod) {
    this(config, nvml, inventory, probes, clock, heldByPod, true);
  }

  /**
   * The verdict when health watching is off ({@code health.enabled: false}): no XIDs, polls or
   * probes, but a GPU the inventory cannot read is still {@code gpu-lost}, with its MIG devices, so
   * there is one decider either way. {@link #start()} starts no loop.
   */
  public static HealthService inventoryOnly(Nvml nvml, Clock clock) {
    return new HealthService(
        HealthConfig.defaults().withProbeMode(ProbeMode.NEVER),
        nvml,
        () -> null,
        request -> ProbeResult.unavailable(Duration.ZERO, "health watching is off"),
        clock,
        uuid -> false,
        false);
  }

  private HealthService(
      HealthConfig config,
      Nvml nvml,
      Supplier<Inventory> inventory,
      ProbeRunner probes,
      Clock clock,
      Predicate<String> heldByPod,
      boolean watching) {
    this.watching = watching;
    Objects.requireNonNull(heldByPod, "heldByPod");
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(nvml, "nvml");
    Objects.requireNonNull(clock, "clock");
    this.inventorySource = Objects.requireNonNull(inventory, "inventory");
    this.runner = Objects.requireNonNull(probes, "probes");
    this.book = new HealthBook(config, clock, this::notifyListeners, this::notifyVerdicts);
    this.xids =
        new XidWatcher(book, config.ignoredXids(), () -> Optional.ofNullable(this.inventory));
    this.poller = new CounterPoller(nvml, book, config.interval());
    this.scheduler = new ProbeScheduler(config, nvml, probes, book, clock, heldByPod);
    this.clock = clock;
    this.loop = Executors.newSingleThreadScheduledExecutor(named("gpu-agent-health"));
    this.notifier = Executors.newSingleThreadExecutor(named("gpu-agent-health-listeners"));
  }

  /** The listener to add to the agent's NVML event pump (XID and ECC events). */
  public NvmlEventListener eventListener() {
    return xids;
  }

  /**
   * Polls every interval and starts the probes when they are due, each at its own cadence, on the
   * {@code gpu-agent-health} thread. Once. An {@link #inventoryOnly} service starts nothing.
   */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the health service is already started");
    }
    if (!watching) {
      LOG.atInfo()
          .setMessage("health-started")
          .addKeyValue("watching", "false")
          .addKeyValue("decides", "inventory")
          .log();
      return;
    }
    loop.scheduleWithFixedDelay(this::cycle, 0, config.interval().toNanos(), TimeUnit.NANOSECONDS);
    if (config.probeMode() != ProbeMode.NEVER) {
      scheduler.afterEachProbe(() -> probeCheckIn(config.probeInterval(), false));
      probeCheckIn(Duration.ZERO, true);
    }
    LOG.atInfo()
        .setMessage("health-started")
        .addKeyValue("intervalMs", config.interval().toMillis())
        .addKeyValue("probeMode", config.probeMode().word())
        .addKeyValue("probeIntervalMs", config.probeInterval().toMillis())
        .addKeyValue("probeDeadlineMs", config.probeDeadline().toMillis())
        .addKeyValue("passesToRecover", config.passesToRecover())
        .addKeyValue("ignoredXids", config.ignoredXids().stream().sorted().toList())
        .addKeyValue(
            "sticky", config.stickyReasons().stream().map(HealthReason::label).sorted().toList())
        .log();
  }

  /** Devices follow this inventory from now on: new ones healthy, gone ones forgotten. */
  public void onInventory(Inventory next) {
    Objects.requireNonNull(next, "inventory");
    synchronized (inventoryLock) {
      // The agent pushes each inventory and the loop also pulls the latest: never step back to an
      // older one that a slow pull still holds.
      Inventory known = inventory;
      if (next == known || (known != null && next.builtAt().isBefore(known.builtAt()))) {
        return;
      }
      inventory = next;
      book.reconcile(next);
    }
  }

  /**
   * A GPU (or the GPU of this MIG device) was reset: XIDs and sticky reasons are forgiven; the
   * device recovers as soon as its conditions are gone and, where probes run, enough pass.
   *
   * @throws IllegalArgumentException for a device the health module does not know
   */
  public void onGpuReset(String uuid) {
    book.reset(uuid);
  }

  /**
   * Called with every device's verdict after each change, in order, on one thread of the service:
   * an immutable map from GPU or MIG UUID to state, every device of the inventory in it (a lost
   * GPU's MIG devices too). The latest is also at {@link #verdicts()}.
   */
  public void addVerdictListener(Consumer<Map<String, HealthState>> listener) {
    verdictListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Every known device's verdict now, by GPU or MIG UUID. Immutable; never locks. */
  public Map<String, HealthState> verdicts() {
    return book.verdicts();
  }

  /** Called with every transition, in order, on one thread of the service. */
  public void addListener(Consumer<HealthTransition> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Every known device by GPU or MIG UUID, in inventory order. Never locks. */
  public Map<String, DeviceHealthView> current() {
    return book.views();
  }

  public HealthCounters counters() {
    return book.counters();
  }

  /**
   * One health cycle on the caller's thread: takes a new inventory if there is one and polls the
   * error counters. (The loop also starts the probes that are due.)
   */
  public void checkNow() {
    Inventory latest = inventorySource.get();
    if (latest != null && latest != inventory) {
      onInventory(latest);
    }
    Inventory known = inventory;
    if (known != null) {
      poller.poll(known);
    }
  }

  /**
   * Probes one device now, on the caller's thread, whatever the probe mode, and applies the result.
   *
   * @throws IllegalArgumentException when the inventory has no such device or it is a GPU in MIG
   *     mode
   * @throws IllegalStateException when a probe already runs on its GPU
   */
  public ProbeResult probeNow(String uuid) {
    Inventory known = inventory;
    if (known == null) {
      throw new IllegalStateException("no inventory yet: cannot probe " + uuid);
    }
    return scheduler.probeNow(ProbeTarget.find(known, uuid));
  }

  /** Stops the loop, kills a running probe child and waits briefly for the threads. Idempotent. */
  @Override
  public void close() {
    loop.shutdownNow();
    runner.close();
    scheduler.close();
    notifier.shutdown();
    try {
      if (!loop.awaitTermination(5, TimeUnit.SECONDS)
          || !notifier.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.atWarn().setMessage("health-stop-late").log();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the probes that are due now (what the loop does after each check). */
  void startDueProbes() {
    Inventory known = inventory;
    if (known != null) {
      scheduler.startDue(known);
    }
  }

  ProbeScheduler scheduler() {
    return scheduler;
  }

  /**
   * Checks for due probes after {@code delay}; a {@code chain} check schedules the next one by
   * {@link ProbeScheduler#untilNextCheck}, so probes keep {@code probeInterval} whatever {@code
   * interval} is.
   */
  private void probeCheckIn(Duration delay, boolean chain) {
    try {
      loop.schedule(() -> probeCheck(chain), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      LOG.atDebug().setMessage("probe-check-not-scheduled").addKeyValue("reason", "closing").log();
    }
  }

  private void probeCheck(boolean chain) {
    try {
      startDueProbes();
    } catch (RuntimeException e) {
      LOG.atError().setMessage("probe-check-failed").setCause(e).log();
    } finally {
      if (chain) {
        probeCheckIn(scheduler.untilNextCheck(clock.instant()), true);
      }
    }
  }

  private void cycle() {
    try {
      checkNow();
    } catch (RuntimeException e) {
      // A programming error: log it loudly and keep the loop alive for the next cycle.
      LOG.atError().setMessage("health-cycle-failed").setCause(e).log();
    }
  }

  private void notifyListeners(HealthTransition transition) {
    try {
      notifier.execute(
          () -> {
            for (Consumer<HealthTransition> listener : listeners) {
              try {
                listener.accept(transition);
              } catch (RuntimeException e) {
                LOG.atError()
                    .setMessage("health-listener-failed")
                    .addKeyValue("listener", listener)
                    .addKeyValue("uuid", transition.deviceUuid())
                    .setCause(e)
                    .log();
              }
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.atDebug()
          .setMessage("health-transition-not-sent")
          .addKeyValue("uuid", transition.deviceUuid())
          .addKeyValue("reason", "closing")
          .log();
    }
  }

  private void notifyVerdicts(Map<String, HealthState> verdicts) {
    try {
      notifier.execute(
          () -> {
            for (Consumer<Map<String, HealthState>> listener : verdictListeners) {
              try {
                listener.accept(verdicts);
              } catch (RuntimeException e) {
                LOG.atError()
                    .setMessage("health-listener-failed")
                    .addKeyValue("listener", listener)
                    .setCause(e)
                    .log();
              }
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.atDebug().setMessage("health-verdicts-not-sent").addKeyValue("reason", "closing").log();
    }
  }

  private static ThreadFactory named(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}

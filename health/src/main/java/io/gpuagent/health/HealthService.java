package io.gpuagent.health;

import io.gpuagent.health.probe.ProbeResult;
import io.gpuagent.health.probe.ProbeRunner;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.events.NvmlEventListener;
import io.gpuagent.nvml.inventory.Inventory;
import java.time.Clock;
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
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of every GPU and MIG device: XIDs and ECC events from the NVML event pump ({@link
 * #eventListener()}), error counters polled every {@code interval}, and probes run in child
 * processes on a schedule. Each device is healthy or unhealthy with a reason, and recovers once its
 * cause has ended and enough probes pass in a row.
 *
 * <p>Usage: construct, add the {@link #eventListener()} to the pump, {@link #addListener}, {@link
 * #start()}; call {@link #onInventory} on every inventory change and {@link #onGpuReset} after a
 * GPU reset; read {@link #current()} any time (it never locks or calls NVML); {@link #close()} at
 * shutdown. The service owns the probe runner and closes it.
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
  private final ScheduledExecutorService loop;
  private final ExecutorService notifier;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile Inventory inventory;

  /**
   * @param inventory the agent's current inventory, read each cycle; null before the first one
   * @param probes runs the probes; the service closes it
   * @param clock the time of states, transitions and probe schedules
   */
  public HealthService(
      HealthConfig config,
      Nvml nvml,
      Supplier<Inventory> inventory,
      ProbeRunner probes,
      Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(nvml, "nvml");
    Objects.requireNonNull(clock, "clock");
    this.inventorySource = Objects.requireNonNull(inventory, "inventory");
    this.runner = Objects.requireNonNull(probes, "probes");
    this.book = new HealthBook(config, clock, this::notifyListeners);
    this.xids =
        new XidWatcher(book, config.ignoredXids(), () -> Optional.ofNullable(this.inventory));
    this.poller = new CounterPoller(nvml, book, config.interval());
    this.scheduler = new ProbeScheduler(config, nvml, probes, book, clock);
    this.loop = Executors.newSingleThreadScheduledExecutor(named("gpu-agent-health"));
    this.notifier = Executors.newSingleThreadExecutor(named("gpu-agent-health-listeners"));
  }

  /** The listener to add to the agent's NVML event pump (XID and ECC events). */
  public NvmlEventListener eventListener() {
    return xids;
  }

  /** Polls and schedules probes every interval on the {@code gpu-agent-health} thread. Once. */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the health service is already started");
    }
    loop.scheduleWithFixedDelay(this::cycle, 0, config.interval().toNanos(), TimeUnit.NANOSECONDS);
    LOG.info(
        "event=health-started intervalMs={} probeMode={} probeIntervalMs={} probeDeadlineMs={}"
            + " passesToRecover={} ignoredXids={} sticky={}",
        config.interval().toMillis(),
        config.probeMode().word(),
        config.probeInterval().toMillis(),
        config.probeDeadline().toMillis(),
        config.passesToRecover(),
        config.ignoredXids().stream().sorted().toList(),
        config.stickyReasons().stream().map(HealthReason::label).sorted().toList());
  }

  /** Devices follow this inventory from now on: new ones healthy, gone ones forgotten. */
  public void onInventory(Inventory next) {
    Objects.requireNonNull(next, "inventory");
    inventory = next;
    book.reconcile(next);
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
        LOG.warn("event=health-stop-late");
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

  private void cycle() {
    try {
      checkNow();
      startDueProbes();
    } catch (RuntimeException e) {
      // A programming error: log it loudly and keep the loop alive for the next cycle.
      LOG.error("event=health-cycle-failed", e);
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
                LOG.error(
                    "event=health-listener-failed listener={} uuid={}",
                    listener,
                    transition.deviceUuid(),
                    e);
              }
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.debug("event=health-transition-not-sent uuid={} reason=closing", transition.deviceUuid());
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

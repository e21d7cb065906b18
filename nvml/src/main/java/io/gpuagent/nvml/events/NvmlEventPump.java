package io.gpuagent.nvml.events;

import io.gpuagent.nvml.EventData;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.inventory.Inventory;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads NVML events on ONE named thread and hands each to every listener. The thread owns the event
 * set: it creates it, registers the inventory's GPUs for the wanted types each supports ({@link
 * #onInventory}), and waits on it with a short timeout so {@link #close()} is prompt. A GPU that
 * cannot register (NOT_SUPPORTED) is logged once and skipped; the others go on.
 *
 * <p>Usage: {@code addListener} (any time), {@code start()}, then {@code onInventory} on every
 * inventory change (the first one starts the registrations), {@code close()} at shutdown.
 */
public final class NvmlEventPump implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NvmlEventPump.class);

  /** What the exporter and the health module need: XIDs and ECC errors. */
  public static final Set<EventType> XID_AND_ECC =
      Set.copyOf(
          EnumSet.of(
              EventType.XID_CRITICAL_ERROR,
              EventType.SINGLE_BIT_ECC_ERROR,
              EventType.DOUBLE_BIT_ECC_ERROR));

  /**
   * What the agent registers: {@link #XID_AND_ECC} and MIG config changes, on which the inventory
   * is read again. A GPU that cannot deliver a type (no MIG) is registered for the others.
   */
  public static final Set<EventType> AGENT_EVENTS =
      Set.copyOf(
          EnumSet.of(
              EventType.XID_CRITICAL_ERROR,
              EventType.SINGLE_BIT_ECC_ERROR,
              EventType.DOUBLE_BIT_ECC_ERROR,
              EventType.MIG_CONFIG_CHANGE));

  /** How long one wait on the event set lasts: the bound on how late close() and changes land. */
  public static final Duration DEFAULT_WAIT = Duration.ofMillis(200);

  private final Nvml nvml;
  private final Set<EventType> wanted;
  private final Duration waitTimeout;
  private final List<NvmlEventListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicReference<Inventory> pendingInventory = new AtomicReference<>();
  private final Object wakeUp = new Object();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong inventoriesApplied = new AtomicLong();
  private final Thread thread;
  private volatile boolean closing;
  private volatile Set<String> registeredGpus = Set.of();

  public NvmlEventPump(Nvml nvml) {
    this(nvml, AGENT_EVENTS, DEFAULT_WAIT);
  }

  public NvmlEventPump(Nvml nvml, Set<EventType> wanted, Duration waitTimeout) {
    this.nvml = Objects.requireNonNull(nvml, "nvml");
    if (wanted.isEmpty()) {
      throw new IllegalArgumentException("an event pump needs at least one event type");
    }
    if (waitTimeout.isNegative() || waitTimeout.isZero()) {
      throw new IllegalArgumentException("waitTimeout must be positive, got " + waitTimeout);
    }
    this.wanted = Set.copyOf(wanted);
    this.waitTimeout = waitTimeout;
    this.thread = new Thread(this::run, "gpu-agent-nvml-events");
    this.thread.setDaemon(true);
  }

  /** Adds a listener; it sees the events that arrive from then on. */
  public void addListener(NvmlEventListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void start() {
    thread.start();
  }

  /** Brings the registrations in line with this inventory, on the pump's thread, shortly. */
  public void onInventory(Inventory inventory) {
    pendingInventory.set(Objects.requireNonNull(inventory, "inventory"));
    signal();
  }

  /** UUIDs of the GPUs whose events arrive now (registration done). */
  public Set<String> registeredGpus() {
    return registeredGpus;
  }

  /** Events every listener has been handed (and returned from) so far. */
  public long eventsDelivered() {
    return delivered.get();
  }

  /** Inventories whose registrations are done; lets tests wait for one. */
  long inventoriesApplied() {
    return inventoriesApplied.get();
  }

  /** Stops the thread within about one wait timeout and frees the event set. Idempotent. */
  @Override
  public void close() {
    closing = true;
    signal();
    if (thread.isAlive() && Thread.currentThread() != thread) {
      try {
        thread.join(waitTimeout.multipliedBy(5).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        LOG.atWarn()
            .setMessage("event-pump-stop-late")
            .addKeyValue("thread", thread.getName())
            .addKeyValue("waitMs", waitTimeout.toMillis())
            .log();
      }
    }
  }

  private void run() {
    Optional<EventRegistrations> registrations = Optional.empty();
    NvmlReturn lastWaitError = NvmlReturn.SUCCESS;
    try {
      while (!closing) {
        Inventory inventory = pendingInventory.getAndSet(null);
        if (inventory != null) {
          registrations = register(registrations, inventory);
        }
        if (registrations.isEmpty()) {
          pause();
          continue;
        }
        try {
          registrations.get().set().await(waitTimeout).ifPresent(this::dispatch);
          lastWaitError = NvmlReturn.SUCCESS;
        } catch (NvmlException e) {
          if (e.code() != lastWaitError) {
            LOG.atWarn()
                .setMessage("event-wait-failed")
                .addKeyValue("function", e.function())
                .addKeyValue("error", e.code().nvmlName())
                .log();
            lastWaitError = e.code();
          }
          pause();
        }
      }
    } catch (RuntimeException e) {
      // A programming error: say so loudly, the thread is gone.
      LOG.atError()
          .setMessage("event-pump-died")
          .addKeyValue("thread", thread.getName())
          .setCause(e)
          .log();
    } finally {
      registeredGpus = Set.of();
      registrations.ifPresent(NvmlEventPump::free);
    }
  }

  /** The event set is made with the first inventory; if NVML refuses it, the next one retries. */
  private Optional<EventRegistrations> register(
      Optional<EventRegistrations> current, Inventory inventory) {
    try {
      EventRegistrations registrations =
          current.orElseGet(() -> new EventRegistrations(nvml, nvml.createEventSet(), wanted));
      registrations.update(inventory);
      registeredGpus = registrations.registered();
      inventoriesApplied.incrementAndGet();
      return Optional.of(registrations);
    } catch (NvmlException e) {
      LOG.atWarn()
          .setMessage("event-set-unavailable")
          .addKeyValue("function", e.function())
          .addKeyValue("error", e.code().nvmlName())
          .log();
      return current;
    }
  }

  private static void free(EventRegistrations registrations) {
    try {
      registrations.set().close();
    } catch (NvmlException e) {
      LOG.atWarn()
          .setMessage("event-set-free-failed")
          .addKeyValue("function", e.function())
          .addKeyValue("error", e.code().nvmlName())
          .log();
    }
  }

  private void dispatch(EventData event) {
    for (NvmlEventListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        // One broken listener must not starve the others of events.
        LOG.atError()
            .setMessage("event-listener-failed")
            .addKeyValue("listener", listener)
            .addKeyValue("uuid", event.device().uuid())
            .addKeyValue("type", event.type())
            .setCause(e)
            .log();
      }
    }
    // Counted once every listener has it, so "delivered" means handled.
    delivered.incrementAndGet();
  }

  /** Waits up to one wait timeout, or until an inventory arrives or close() is called. */
  private void pause() {
    synchronized (wakeUp) {
      if (closing || pendingInventory.get() != null) {
        return;
      }
      try {
        TimeUnit.MILLISECONDS.timedWait(wakeUp, waitTimeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closing = true;
      }
    }
  }

  private void signal() {
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
  }
}

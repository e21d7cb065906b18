package io.gpuagent.agent;

import io.gpuagent.nvml.EventData;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.events.NvmlEventListener;
import io.gpuagent.nvml.inventory.InventoryFingerprint;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * How the agent notices that the hardware changed, on ONE named thread: it compares a cheap {@link
 * InventoryFingerprint} with the one seen last and calls {@link NodeInventory#rebuild()} only when
 * they differ. It checks every {@code inventory.interval} (drivers that send no MIG events, a GPU
 * that turns readable again) and at once when asked: a MIG config-change event, a health change (a
 * GPU answering GPU_IS_LOST), a kubelet restart. Requests that arrive during a check fold into one
 * more check, so a burst of events costs two reads at most.
 */
final class InventoryWatcher implements NvmlEventListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InventoryWatcher.class);

  private final Nvml nvml;
  private final NodeInventory inventory;
  private final Duration interval;
  private final Thread thread;
  private final Object wakeUp = new Object();
  private final AtomicLong checks = new AtomicLong();
  private boolean requested;
  private volatile boolean closing;
  private InventoryFingerprint last;
  private NvmlReturn lastError = NvmlReturn.SUCCESS;

  InventoryWatcher(Nvml nvml, NodeInventory inventory, Duration interval) {
    this.nvml = Objects.requireNonNull(nvml, "nvml");
    this.inventory = Objects.requireNonNull(inventory, "inventory");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("inventory.interval must be positive, got " + interval);
    }
    this.interval = interval;
    this.thread = new Thread(this::run, "gpu-agent-inventory");
    this.thread.setDaemon(true);
  }

  /** Starts watching from the inventory published now. */
  void start() {
    last = InventoryFingerprint.of(inventory.current().orElseThrow());
    thread.start();
  }

  /** Asks for a check as soon as the thread is free; returns at once. */
  void checkSoon() {
    synchronized (wakeUp) {
      requested = true;
      wakeUp.notifyAll();
    }
  }

  /** A MIG config change (a GPU or compute instance made or destroyed, a MIG mode change). */
  @Override
  public void onEvent(EventData event) {
    if (event.type() == EventType.MIG_CONFIG_CHANGE) {
      LOG.atDebug()
          .setMessage("mig-config-change")
          .addKeyValue("uuid", event.device().uuid())
          .log();
      checkSoon();
    }
  }

  /** Checks done so far; lets tests wait for one. */
  long checks() {
    return checks.get();
  }

  @Override
  public void close() {
    closing = true;
    checkSoon();
    if (thread.isAlive() && Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        LOG.atWarn()
            .setMessage("inventory-watcher-stop-late")
            .addKeyValue("thread", thread.getName())
            .log();
      }
    }
  }

  @Override
  public String toString() {
    return "inventory-watcher";
  }

  private void run() {
    try {
      while (awaitNextCheck()) {
        check();
      }
    } catch (RuntimeException e) {
      // A programming error: say so loudly, the thread is gone.
      LOG.atError()
          .setMessage("inventory-watcher-died")
          .addKeyValue("thread", thread.getName())
          .setCause(e)
          .log();
    }
  }

  /** Waits for a request or the interval; false once closing. */
  private boolean awaitNextCheck() {
    synchronized (wakeUp) {
      long deadline = System.nanoTime() + interval.toNanos();
      while (!requested && !closing) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(wakeUp, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      requested = false;
      return !closing;
    }
  }

  /**
   * The last full read was incomplete while the fingerprint looks the same: a GPU the inventory
   * lists as lost answers the fingerprint's few calls, or the inventory has problems (MIG devices
   * it could not read without privilege). Read again at each check, since the full read may succeed
   * now (a GPU unreadable for a moment at start must rejoin); an unchanged result is not published
   * again.
   */
  private boolean incompleteRead(InventoryFingerprint now) {
    return inventory
        .current()
        .map(
            current ->
                !current.problems().isEmpty()
                    || current.lostGpus().stream().anyMatch(lost -> now.answers(lost.index())))
        .orElse(false);
  }

  private void check() {
    try {
      InventoryFingerprint now = InventoryFingerprint.read(nvml);
      lastError = NvmlReturn.SUCCESS;
      boolean changed = !now.equals(last);
      if (changed || incompleteRead(now)) {
        LOG.atLevel(changed ? Level.INFO : Level.DEBUG)
            .setMessage(changed ? "inventory-changed" : "inventory-retry")
            .addKeyValue("gpus", now.gpus().size())
            .log();
        inventory.rebuild();
        // Taken before the rebuild, so a change during it still shows in the next check.
        last = now;
      }
    } catch (NvmlException e) {
      if (e.code() != lastError) {
        LOG.atWarn()
            .setMessage("inventory-check-failed")
            .addKeyValue("function", e.function())
            .addKeyValue("error", e.code().nvmlName())
            .log();
        lastError = e.code();
      }
    } catch (RuntimeException e) {
      // A programming error in a reader or listener: say so loudly and keep following the node.
      LOG.atError().setMessage("inventory-check-failed").setCause(e).log();
    } finally {
      checks.incrementAndGet();
    }
  }
}

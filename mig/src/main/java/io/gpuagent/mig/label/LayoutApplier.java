package io.gpuagent.mig.label;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The apply side of node-label mode: runs the selector on its own thread ({@code
 * mig-node-label-apply}), one layout at a time. Requests made during an apply collapse to the
 * newest, and an outcome is published only while its layout is still the one the label names.
 */
final class LayoutApplier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLabelSync.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  enum Mode {
    /** Show {@code pending}, apply, show the outcome. */
    APPLY,
    /** The node already shows {@code success} for this layout: apply, show only a failure. */
    RECHECK
  }

  /** A layout to apply; {@code pending} is the state shown meanwhile (null for a re-check). */
  private record Request(String config, Mode mode, MigConfigState pending) {}

  private final String nodeName;
  private final LayoutSelector selector;
  private final StatePublisher publisher;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(NodeLabelSync.named("mig-node-label-apply"));
  private final AtomicReference<Request> queued = new AtomicReference<>();
  private final Object lock = new Object();
  private String wanted; // guarded by lock: the config the label names now, null for none
  private boolean closed; // guarded by lock

  LayoutApplier(String nodeName, LayoutSelector selector, StatePublisher publisher) {
    this.nodeName = nodeName;
    this.selector = selector;
    this.publisher = publisher;
  }

  /** Makes {@code config} the wanted layout and applies it after any apply in progress. */
  void request(String config, Mode mode) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      wanted = config;
      MigConfigState pending = mode == Mode.APPLY ? MigConfigState.pending(config) : null;
      queued.set(new Request(config, mode, pending));
      if (pending != null) {
        publisher.publish(pending);
      }
    }
    try {
      thread.execute(this::applyNewest);
    } catch (RejectedExecutionException closing) {
      // closed meanwhile
    }
  }

  /** The label is gone: nothing is wanted any more, nothing queued is applied. */
  void forget() {
    synchronized (lock) {
      wanted = null;
      queued.set(null);
    }
  }

  private void applyNewest() {
    Request request = queued.getAndSet(null);
    if (request == null) {
      return; // a later request was taken by an earlier run of this task
    }
    try {
      if (request.pending() != null && !publisher.awaitWritten(request.pending())) {
        return; // superseded by a newer label value (queued after this) or closing
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    LOG.atInfo()
        .setMessage("mig-label-apply-started")
        .addKeyValue("node", nodeName)
        .addKeyValue("config", request.config())
        .addKeyValue("mode", request.mode() == Mode.APPLY ? "apply" : "recheck")
        .log();
    long startNanos = System.nanoTime();
    SelectionOutcome outcome = select(request.config());
    LOG.atLevel(outcome.success() ? Level.INFO : Level.WARN)
        .setMessage(outcome.success() ? "mig-label-applied" : "mig-label-apply-failed")
        .addKeyValue("node", nodeName)
        .addKeyValue("config", request.config())
        .addKeyValue("reason", outcome.reason())
        .addKeyValue("durationMs", Duration.ofNanos(System.nanoTime() - startNanos).toMillis())
        .log();
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (!request.config().equals(wanted)) {
        LOG.atInfo()
            .setMessage("mig-label-apply-superseded")
            .addKeyValue("node", nodeName)
            .addKeyValue("config", request.config())
            .addKeyValue("wanted", wanted)
            .log();
        return;
      }
      if (request.mode() == Mode.RECHECK && outcome.success()) {
        return; // the state label already says success for this config
      }
      publisher.publish(MigConfigState.of(request.config(), outcome));
    }
  }

  private SelectionOutcome select(String config) {
    try {
      return selector.select(config);
    } catch (RuntimeException e) {
      // a bug in the selector, not a user mistake: log it with its stack, report it on the node
      LOG.atError()
          .setMessage("mig-label-selector-failed")
          .addKeyValue("node", nodeName)
          .addKeyValue("config", config)
          .setCause(e)
          .log();
      return SelectionOutcome.failure("internal error applying " + config + ": " + e);
    }
  }

  /** Waits a few seconds for an apply in progress to finish, then interrupts it. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      queued.set(null);
    }
    publisher.close();
    thread.shutdown();
    try {
      if (!thread.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.atWarn()
            .setMessage("mig-label-apply-still-running")
            .addKeyValue("node", nodeName)
            .log();
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.gpuagent.mig.label;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the newest {@link MigConfigState} onto the node, one patch at a time on the sync's control
 * thread. A failed patch is retried with back-off, and always with the state wanted by then: a
 * {@code pending} that a {@code success} overtook while the API was down is never written late.
 */
final class StatePublisher {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLabelSync.class);

  private final Resource<Node> node;
  private final String nodeName;
  private final KubernetesSerialization json;
  private final ScheduledExecutorService control;
  private final Backoff retry;
  private final AtomicReference<MigConfigState> latest = new AtomicReference<>();
  private final AtomicBoolean writeScheduled = new AtomicBoolean();
  private int failures; // control thread only
  private MigConfigState written; // guarded by this: the state the node shows now, as far as known
  private boolean closed; // guarded by this

  StatePublisher(
      Resource<Node> node,
      String nodeName,
      KubernetesSerialization json,
      ScheduledExecutorService control,
      Backoff retry) {
    this.node = node;
    this.nodeName = nodeName;
    this.json = json;
    this.control = control;
    this.retry = retry;
  }

  /** Makes {@code state} the one to write; returns at once. */
  void publish(MigConfigState state) {
    latest.set(state);
    if (writeScheduled.compareAndSet(false, true)) {
      schedule(Duration.ZERO);
    }
  }

  private void write() {
    MigConfigState state = latest.get();
    try {
      node.patch(PatchContext.of(PatchType.JSON_MERGE), json.asJson(state.mergePatch()));
    } catch (KubernetesClientException e) {
      if (isClosed()) {
        return; // the close interrupted the request: not an API problem
      }
      failures++;
      Duration wait = retry.after(failures);
      NodeLabelSync.logApiError(nodeName, "patch", ApiFailure.of(e), failures, wait);
      schedule(wait);
      return;
    }
    failures = 0;
    synchronized (this) {
      written = state;
      notifyAll();
    }
    LOG.atInfo()
        .setMessage("mig-label-state-written")
        .addKeyValue("node", nodeName)
        .addKeyValue("config", state.config())
        .addKeyValue("state", state.phase().word())
        .addKeyValue("reason", state.trimmedReason())
        .log();
    writeScheduled.set(false);
    if (latest.get() != state && writeScheduled.compareAndSet(false, true)) {
      schedule(Duration.ZERO);
    }
  }

  /**
   * Waits until {@code state} is on the node; false when a newer state replaced it first or the
   * sync closed. The apply thread waits here so that {@code pending} is shown before any GPU is
   * touched, as with NVIDIA's mig-manager.
   */
  synchronized boolean awaitWritten(MigConfigState state) throws InterruptedException {
    while (written != state && latest.get() == state && !closed) {
      wait();
    }
    return written == state;
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  synchronized void close() {
    closed = true;
    notifyAll();
  }

  private void schedule(Duration delay) {
    try {
      control.schedule(this::write, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      // the sync is closing; a state not yet written is written by the next start
    }
  }
}

package io.gpuagent.mig.label;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Node-label mode: applies the MIG layout that this node's label {@code nvidia.com/mig.config}
 * names, and reports on the node as NVIDIA's mig-manager does ({@code nvidia.com/mig.config.state}
 * = pending / success / failed), plus why, in an annotation.
 *
 * <p>Two named threads: {@code mig-node-label-watch} reads and watches the node (only this one, by
 * a {@code metadata.name} field selector), retries the API with back-off and writes the state;
 * {@code mig-node-label-apply} runs the selector, one layout at a time. A label changed during an
 * apply is applied after it, and only its newest value. On start, a label whose state already says
 * {@code success} for the same config is re-checked without going through {@code pending}: the
 * selector touches no GPU already in the layout, and after a reboot (MIG instances do not survive
 * one) it re-creates them.
 */
public final class NodeLabelSync implements AutoCloseable {
  public static final String CONFIG_LABEL = "nvidia.com/mig.config";
  public static final String STATE_LABEL = "nvidia.com/mig.config.state";
  public static final String REASON_ANNOTATION = "gpu-agent.io/mig.config.state.reason";

  /** The config the state label refers to: lets a restart see that it has nothing to redo. */
  public static final String CONFIG_ANNOTATION = "gpu-agent.io/mig.config.state.config";

  private static final Logger LOG = LoggerFactory.getLogger(NodeLabelSync.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private enum Mode {
    APPLY,
    RECHECK
  }

  /** A layout to apply; {@code pending} is the state shown meanwhile (null for a re-check). */
  private record Request(String config, Mode mode, MigConfigState pending) {}

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final String nodeName;
  private final Resource<Node> node;
  private final LayoutSelector selector;
  private final Backoff retry;
  private final ScheduledExecutorService control =
      Executors.newSingleThreadScheduledExecutor(named("mig-node-label-watch"));
  private final ExecutorService applier =
      Executors.newSingleThreadExecutor(named("mig-node-label-apply"));
  private final StatePublisher publisher;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicReference<Request> queued = new AtomicReference<>();
  private final Object wantedLock = new Object();
  private String wanted; // guarded by wantedLock: the config the label names now, null for none
  private volatile boolean closed;

  // control thread only
  private volatile Watch watch; // read by close() too
  private int connectFailures;
  private boolean labelSeen;
  private String lastValue;

  public NodeLabelSync(KubernetesClient client, String nodeName, LayoutSelector selector) {
    this(client, nodeName, selector, Backoff.DEFAULT);
  }

  public NodeLabelSync(
      KubernetesClient client, String nodeName, LayoutSelector selector, Backoff retry) {
    this(client, false, nodeName, selector, retry);
  }

  private NodeLabelSync(
      KubernetesClient client,
      boolean ownsClient,
      String nodeName,
      LayoutSelector selector,
      Backoff retry) {
    this.client = Objects.requireNonNull(client, "client");
    this.ownsClient = ownsClient;
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    this.selector = Objects.requireNonNull(selector, "selector");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.node = client.nodes().withName(nodeName);
    this.publisher =
        new StatePublisher(node, nodeName, client.getKubernetesSerialization(), control, retry);
  }

  /**
   * A sync with its own client, configured the way kubectl finds a cluster: the pod's service
   * account when run in-cluster, else {@code KUBECONFIG} or {@code ~/.kube/config}. Closing the
   * sync closes the client.
   */
  public static NodeLabelSync inCluster(String nodeName, LayoutSelector selector) {
    Config config =
        new ConfigBuilder(Config.autoConfigure(null))
            .withRequestRetryBackoffLimit(0) // retried here, with back-off and one log line each
            .build();
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(new JdkHttpClientFactory())
            .build();
    return new NodeLabelSync(client, true, nodeName, selector, Backoff.DEFAULT);
  }

  /** Reads the node and starts watching it; returns at once (API errors are retried). */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("node label sync already started");
    }
    submit(this::connect);
  }

  /** Gets the node, acts on its label, then watches it from that version. */
  private void connect() {
    if (watch != null) {
      watch.close(); // never two watches: a reconnect replaces the old one
      watch = null;
    }
    Node current;
    try {
      current = node.get();
    } catch (KubernetesClientException e) {
      retryConnect("get", ApiFailure.of(e));
      return;
    }
    if (current == null) {
      retryConnect("get", new ApiFailure(404, "node not found"));
      return;
    }
    observe(current);
    try {
      watch =
          node.watch(
              new ListOptionsBuilder()
                  .withResourceVersion(current.getMetadata().getResourceVersion())
                  .build(),
              new NodeWatcher());
    } catch (KubernetesClientException e) {
      retryConnect("watch", ApiFailure.of(e));
      return;
    }
    connectFailures = 0;
    LOG.atInfo().setMessage("mig-label-watching").addKeyValue("node", nodeName).log();
  }

  private void retryConnect(String operation, ApiFailure failure) {
    connectFailures++;
    Duration wait = retry.after(connectFailures);
    logApiError(nodeName, operation, failure, connectFailures, wait);
    try {
      control.schedule(this::connect, wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      // closed meanwhile: nothing to retry for
    }
  }

  static void logApiError(
      String nodeName, String operation, ApiFailure failure, int attempt, Duration retryIn) {
    LOG.atWarn()
        .setMessage("mig-label-api-error")
        .addKeyValue("node", nodeName)
        .addKeyValue("operation", operation)
        .addKeyValue("status", failure.status())
        .addKeyValue("reason", failure.reason())
        .addKeyValue("attempt", attempt)
        .addKeyValue("retryInMs", retryIn.toMillis())
        .log();
  }

  /** Acts on the node's label when it is read the first time or has changed since. */
  private void observe(Node current) {
    Map<String, String> labels = current.getMetadata().getLabels();
    String value = labels == null ? null : labels.get(CONFIG_LABEL);
    if (!labelSeen) {
      labelSeen = true;
      lastValue = value;
      if (value == null) {
        LOG.atInfo()
            .setMessage("mig-label-absent")
            .addKeyValue("node", nodeName)
            .addKeyValue("label", CONFIG_LABEL)
            .log();
      } else {
        request(value, alreadySucceeded(current, value) ? Mode.RECHECK : Mode.APPLY);
      }
      return;
    }
    if (Objects.equals(value, lastValue)) {
      return; // our own state patches, or another label
    }
    String previous = lastValue;
    lastValue = value;
    if (value == null) {
      LOG.atInfo()
          .setMessage("mig-label-removed")
          .addKeyValue("node", nodeName)
          .addKeyValue("previous", previous)
          .addKeyValue("action", "layout left as it is")
          .log();
      synchronized (wantedLock) {
        wanted = null;
        queued.set(null);
      }
      return;
    }
    LOG.atInfo()
        .setMessage("mig-label-changed")
        .addKeyValue("node", nodeName)
        .addKeyValue("from", previous)
        .addKeyValue("to", value)
        .log();
    request(value, Mode.APPLY);
  }

  private static boolean alreadySucceeded(Node current, String value) {
    Map<String, String> labels = current.getMetadata().getLabels();
    Map<String, String> annotations = current.getMetadata().getAnnotations();
    return MigConfigState.Phase.SUCCESS.word().equals(labels.get(STATE_LABEL))
        && annotations != null
        && value.equals(annotations.get(CONFIG_ANNOTATION));
  }

  private void request(String config, Mode mode) {
    synchronized (wantedLock) {
      wanted = config;
      MigConfigState pending = mode == Mode.APPLY ? MigConfigState.pending(config) : null;
      queued.set(new Request(config, mode, pending));
      if (pending != null) {
        publisher.publish(pending);
      }
    }
    try {
      applier.execute(this::applyNewest);
    } catch (RejectedExecutionException closing) {
      // closed meanwhile
    }
  }

  /** On the apply thread: applies the newest request, if any is left, and publishes how it went. */
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
    synchronized (wantedLock) {
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

  private final class NodeWatcher implements Watcher<Node> {
    @Override
    public void eventReceived(Action action, Node changed) {
      switch (action) {
        case ADDED, MODIFIED -> submit(() -> observe(changed));
        case DELETED -> submit(NodeLabelSync.this::nodeDeleted);
        default -> {} // ERROR and BOOKMARK carry no node state to act on
      }
    }

    @Override
    public void onClose(WatcherException e) {
      // the client reconnects dropped watches itself; it gives up on "410 Gone": list again
      submit(
          () -> {
            LOG.atInfo()
                .setMessage("mig-label-watch-closed")
                .addKeyValue("node", nodeName)
                .addKeyValue("reason", e.getMessage())
                .log();
            watch = null;
            connect();
          });
    }
  }

  private void nodeDeleted() {
    LOG.atWarn().setMessage("mig-label-node-deleted").addKeyValue("node", nodeName).log();
    if (watch != null) {
      watch.close();
      watch = null;
    }
    retryConnect("watch", new ApiFailure(404, "node deleted"));
  }

  private void submit(Runnable task) {
    try {
      control.execute(task);
    } catch (RejectedExecutionException closing) {
      // closed meanwhile: the event is of no use any more
    }
  }

  /** Stops watching; waits a few seconds for an apply in progress to finish, not for ever. */
  @Override
  public void close() {
    synchronized (wantedLock) {
      if (closed) {
        return;
      }
      closed = true;
      queued.set(null);
    }
    publisher.close();
    control.shutdownNow();
    applier.shutdown();
    try {
      control.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (!applier.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.atWarn()
            .setMessage("mig-label-apply-still-running")
            .addKeyValue("node", nodeName)
            .log();
        applier.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (watch != null) {
      watch.close();
    }
    if (ownsClient) {
      client.close();
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

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
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final String nodeName;
  private final Resource<Node> node;
  private final Backoff retry;
  private final ScheduledExecutorService control =
      Executors.newSingleThreadScheduledExecutor(named("mig-node-label-watch"));
  private final StatePublisher publisher;
  private final LayoutApplier applier;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  // control thread only
  private volatile Watch watch; // read by close() too
  private int connectFailures;
  private int watchGeneration; // events of an older watch, still queued, are dropped
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
    this.retry = Objects.requireNonNull(retry, "retry");
    this.node = client.nodes().withName(nodeName);
    this.publisher =
        new StatePublisher(node, nodeName, client.getKubernetesSerialization(), control, retry);
    this.applier =
        new LayoutApplier(nodeName, Objects.requireNonNull(selector, "selector"), publisher);
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
    watchGeneration++;
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
              new NodeWatcher(watchGeneration));
    } catch (KubernetesClientException e) {
      retryConnect("watch", ApiFailure.of(e));
      return;
    }
    connectFailures = 0;
    LOG.atInfo().setMessage("mig-label-watching").addKeyValue("node", nodeName).log();
  }

  private void retryConnect(String operation, ApiFailure failure) {
    if (closed.get()) {
      return; // the close interrupted the request: not an API problem
    }
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
        applier.request(
            value,
            alreadySucceeded(current, value)
                ? LayoutApplier.Mode.RECHECK
                : LayoutApplier.Mode.APPLY);
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
      applier.forget();
      return;
    }
    LOG.atInfo()
        .setMessage("mig-label-changed")
        .addKeyValue("node", nodeName)
        .addKeyValue("from", previous)
        .addKeyValue("to", value)
        .log();
    applier.request(value, LayoutApplier.Mode.APPLY);
  }

  private static boolean alreadySucceeded(Node current, String value) {
    Map<String, String> labels = current.getMetadata().getLabels();
    Map<String, String> annotations = current.getMetadata().getAnnotations();
    return MigConfigState.Phase.SUCCESS.word().equals(labels.get(STATE_LABEL))
        && annotations != null
        && value.equals(annotations.get(CONFIG_ANNOTATION));
  }

  private final class NodeWatcher implements Watcher<Node> {
    private final int generation;

    NodeWatcher(int generation) {
      this.generation = generation;
    }

    @Override
    public void eventReceived(Action action, Node changed) {
      switch (action) {
        case ADDED, MODIFIED -> submitCurrent(() -> observe(changed));
        case DELETED -> submitCurrent(NodeLabelSync.this::nodeDeleted);
        default -> {} // ERROR and BOOKMARK carry no node state to act on
      }
    }

    @Override
    public void onClose(WatcherException e) {
      // the client reconnects dropped watches itself; it gives up on "410 Gone": read again
      submitCurrent(
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

    /** Runs {@code task} on the control thread unless a newer watch has replaced this one. */
    private void submitCurrent(Runnable task) {
      submit(
          () -> {
            if (generation == watchGeneration) {
              task.run();
            }
          });
    }
  }

  private void nodeDeleted() {
    LOG.atWarn().setMessage("mig-label-node-deleted").addKeyValue("node", nodeName).log();
    watchGeneration++;
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
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    publisher.close(); // first: a patch the shutdown interrupts is not an API error
    control.shutdownNow();
    applier.close();
    try {
      control.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
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

  static ThreadFactory named(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}

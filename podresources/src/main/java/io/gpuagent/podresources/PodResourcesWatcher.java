package io.gpuagent.podresources;

import io.gpuagent.podresources.v1.ContainerDevices;
import io.gpuagent.podresources.v1.ContainerResources;
import io.gpuagent.podresources.v1.ListPodResourcesResponse;
import io.gpuagent.podresources.v1.PodResources;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the kubelet's podresources API ({@code List}) which container holds which device, on a fixed
 * interval, and publishes the answer as one immutable {@link PodAssignments}.
 *
 * <p>When the socket is absent or a call fails, {@link #current()} becomes {@link
 * PodAssignments#NONE}: a stale answer would label a GPU with a pod that may have left it, and no
 * label is better than a wrong one. Each failure is counted; only the first of a run of failures
 * logs a warning, and the first success after it logs one info line.
 */
public final class PodResourcesWatcher implements PodAssignmentSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PodResourcesWatcher.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private final Duration interval;
  private final Clock clock;
  private final PodResourcesClient client;
  private final ScheduledExecutorService scheduler;
  private final AtomicReference<PodAssignments> published =
      new AtomicReference<>(PodAssignments.NONE);
  private final AtomicLong failures = new AtomicLong();
  private final Object refreshLock = new Object();
  private boolean failing; // guarded by refreshLock
  private volatile boolean closed;

  /** Calls nothing yet: {@link #start()} or {@link #refreshNow()} do. */
  public PodResourcesWatcher(Path socket, Duration interval, Clock clock) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("podresources interval must be positive: " + interval);
    }
    this.interval = interval;
    this.clock = clock;
    this.client = new PodResourcesClient(socket);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(PodResourcesWatcher::refreshThread);
  }

  /** Refreshes now and then {@code interval} after each refresh ends, off the caller's thread. */
  public void start() {
    scheduler.scheduleWithFixedDelay(
        this::refreshOnSchedule, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The assignments of the last refresh; {@link PodAssignments#NONE} after a failed one. */
  @Override
  public PodAssignments current() {
    return published.get();
  }

  /** Calls {@code List} now, on the caller's thread, publishes the outcome and returns it. */
  public PodAssignments refreshNow() {
    synchronized (refreshLock) {
      if (closed) {
        return PodAssignments.NONE;
      }
      PodAssignments next;
      try {
        next = toAssignments(client.list(), clock.instant());
        recordSuccess(next);
      } catch (PodResourcesException e) {
        next = PodAssignments.NONE;
        recordFailure(e);
      }
      published.set(next);
      return next;
    }
  }

  /** Refreshes that failed since construction (socket absent, kubelet refused or timed out). */
  public long failures() {
    return failures.get();
  }

  /**
   * Device IDs the kubelet can hand out, by resource name ({@code GetAllocatableResources}); a
   * synchronous call, independent of the refresh loop and not counted in {@link #failures()}.
   *
   * @throws PodResourcesException when the socket is absent or the call fails
   */
  public Map<String, Set<String>> allocatable() {
    Map<String, Set<String>> byResource = new HashMap<>();
    for (ContainerDevices devices : client.allocatable().getDevicesList()) {
      byResource
          .computeIfAbsent(devices.getResourceName(), name -> new HashSet<>())
          .addAll(devices.getDeviceIdsList());
    }
    byResource.replaceAll((name, ids) -> Set.copyOf(ids));
    return Map.copyOf(byResource);
  }

  public Path socket() {
    return client.socket();
  }

  /** Stops refreshing (cancelling a call in flight) and publishes {@link PodAssignments#NONE}. */
  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    client.close();
    try {
      if (!scheduler.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.atWarn()
            .setMessage("podresources-stop-late")
            .addKeyValue("waited", CLOSE_WAIT)
            .addKeyValue("socket", socket())
            .log();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.atWarn()
          .setMessage("podresources-close-interrupted")
          .addKeyValue("socket", socket())
          .log();
    }
    synchronized (refreshLock) { // after any refresh still publishing (its call is cancelled)
      published.set(PodAssignments.NONE);
    }
  }

  private void refreshOnSchedule() {
    try {
      refreshNow();
    } catch (RuntimeException e) {
      // A bug, not a kubelet failure: keep the schedule alive and stop attributing.
      published.set(PodAssignments.NONE);
      log.atError()
          .setMessage("podresources-refresh-failed")
          .addKeyValue("socket", socket())
          .setCause(e)
          .log();
    }
  }

  private void recordFailure(PodResourcesException e) {
    if (closed) {
      return; // a call cut short by close() says nothing about the kubelet
    }
    long count = failures.incrementAndGet();
    if (!failing) {
      failing = true;
      log.atWarn()
          .setMessage("podresources-unavailable")
          .addKeyValue("error", e.getMessage())
          .addKeyValue("failures", count)
          .addKeyValue("podLabels", "dropped")
          .log();
    } else {
      log.atDebug()
          .setMessage("podresources-unavailable")
          .addKeyValue("error", e.getMessage())
          .addKeyValue("failures", count)
          .log();
    }
  }

  private void recordSuccess(PodAssignments next) {
    if (failing) {
      failing = false;
      log.atInfo()
          .setMessage("podresources-answering")
          .addKeyValue("socket", socket())
          .addKeyValue("devices", next.byDeviceId().size())
          .addKeyValue("failures", failures.get())
          .log();
    }
  }

  /** Device ID → containers holding it, in the kubelet's order, each container once. */
  static PodAssignments toAssignments(ListPodResourcesResponse response, Instant at) {
    Map<String, Set<ContainerRef>> holders = new LinkedHashMap<>();
    for (PodResources pod : response.getPodResourcesList()) {
      for (ContainerResources container : pod.getContainersList()) {
        var ref = new ContainerRef(pod.getNamespace(), pod.getName(), container.getName());
        for (ContainerDevices devices : container.getDevicesList()) {
          for (String id : devices.getDeviceIdsList()) {
            holders.computeIfAbsent(id, key -> new LinkedHashSet<>()).add(ref);
          }
        }
      }
    }
    Map<String, List<ContainerRef>> byDeviceId = new HashMap<>();
    holders.forEach((id, refs) -> byDeviceId.put(id, List.copyOf(refs)));
    return new PodAssignments(byDeviceId, at);
  }

  private static Thread refreshThread(Runnable runnable) {
    var thread = new Thread(runnable, "podresources-refresh");
    thread.setDaemon(true);
    return thread;
  }
}

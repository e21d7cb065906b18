package io.gpuagent.exporter.sampling;

import io.gpuagent.exporter.counters.DcgmField;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sampling round over every GPU of the inventory, within one deadline. GPUs are asked one after
 * the other, each given a moment ({@link #HAND_ON}) to answer before the next is asked on another
 * worker, so GPUs that answer promptly share one thread and a slow one runs beside the others
 * instead of before them. A GPU that does not answer within the device timeout is left out of this
 * round and is not asked again while its call is still stuck: a hung device holds one worker
 * thread, never the round or the others.
 */
public final class Sampler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sampler.class);

  /** Far above any node's GPU count: a bound, not a size. */
  private static final int MAX_WORKERS = 64;

  /**
   * How long a round waits for one GPU before asking the next on another worker: far above the few
   * milliseconds a GPU's sample takes, far below the device timeout (and never more than a tenth of
   * it).
   */
  static final Duration HAND_ON = Duration.ofMillis(50);

  private final Duration deviceTimeout;
  private final Duration handOn;
  private final Clock clock;
  private final GpuSampler gpuSampler;
  private final NvmlErrors errors = new NvmlErrors();
  private final DeviceWorkers workers =
      new DeviceWorkers("gpu-agent-exporter-device-", MAX_WORKERS, Duration.ofSeconds(60));
  private final ReentrantLock oneRoundAtATime = new ReentrantLock();
  private final Map<String, Future<GpuSample>> inFlight = new ConcurrentHashMap<>();

  /** GPUs whose last round failed or was late, so each change is logged once, not per round. */
  private final Set<String> unanswered = ConcurrentHashMap.newKeySet();

  public Sampler(Nvml nvml, Set<DcgmField> fields, Duration deviceTimeout, Clock clock) {
    this(nvml, fields, deviceTimeout, HAND_ON, clock);
  }

  /** With another hand-on than {@link #HAND_ON} (tests on a loaded machine). */
  Sampler(Nvml nvml, Set<DcgmField> fields, Duration deviceTimeout, Duration handOn, Clock clock) {
    this.deviceTimeout = deviceTimeout;
    // a short interval's deadline leaves room for every GPU even if each one is slow
    this.handOn =
        handOn.compareTo(deviceTimeout.dividedBy(10)) < 0 ? handOn : deviceTimeout.dividedBy(10);
    this.clock = clock;
    this.gpuSampler = new GpuSampler(nvml, fields, errors, clock);
  }

  /** NVML failures seen while sampling, by function and return code. */
  public NvmlErrors errors() {
    return errors;
  }

  /** Samples every GPU of {@code inventory} once; rounds never overlap. */
  public NodeSample sampleOnce(Inventory inventory) {
    oneRoundAtATime.lock();
    try {
      return round(inventory);
    } finally {
      oneRoundAtATime.unlock();
    }
  }

  private NodeSample round(Inventory current) {
    Instant startedAt = clock.instant();
    long deadline = System.nanoTime() + deviceTimeout.toNanos();
    Map<String, Future<GpuSample>> started = new LinkedHashMap<>();
    Set<String> timedOut = new HashSet<>();
    for (Gpu gpu : current.gpus()) {
      Future<GpuSample> earlier = inFlight.get(gpu.uuid());
      if (earlier != null && !earlier.isDone()) {
        timedOut.add(gpu.uuid()); // still stuck in an earlier round: do not pile up calls
        continue;
      }
      try {
        Future<GpuSample> future = workers.submit(() -> gpuSampler.sample(gpu));
        inFlight.put(gpu.uuid(), future);
        started.put(gpu.uuid(), future);
        awaitBriefly(future, deadline);
      } catch (RejectedExecutionException e) {
        timedOut.add(gpu.uuid());
      }
    }
    Map<String, GpuSample> answered = new HashMap<>();
    started.forEach(
        (uuid, future) ->
            collect(uuid, future, deadline)
                .ifPresentOrElse(
                    sample -> answered.put(uuid, sample),
                    () -> {
                      if (!future.isDone()) {
                        timedOut.add(uuid);
                      }
                    }));
    Set<String> present = new HashSet<>();
    current.gpus().forEach(gpu -> present.add(gpu.uuid()));
    inFlight.keySet().retainAll(present);
    unanswered.retainAll(present);
    gpuSampler.retainOnly(present);
    Instant finishedAt = clock.instant();
    return new NodeSample(
        current, answered, timedOut, finishedAt, Duration.between(startedAt, finishedAt));
  }

  /** Waits up to the hand-on (and not past the deadline); the outcome is collected later. */
  private void awaitBriefly(Future<GpuSample> future, long deadline) {
    long wait = Math.min(handOn.toNanos(), deadline - System.nanoTime());
    if (wait <= 0) {
      return;
    }
    try {
      future.get(wait, TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // still running, or failed: collect() reports either
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Worker threads alive now (tests). */
  int workerThreads() {
    return workers.size();
  }

  private Optional<GpuSample> collect(String uuid, Future<GpuSample> future, long deadline) {
    try {
      long left = Math.max(0, deadline - System.nanoTime());
      GpuSample sample = future.get(left, TimeUnit.NANOSECONDS);
      if (unanswered.remove(uuid)) {
        LOG.atInfo().setMessage("device-sample-recovered").addKeyValue("uuid", uuid).log();
      }
      return Optional.of(sample);
    } catch (TimeoutException e) {
      if (unanswered.add(uuid)) {
        LOG.atWarn()
            .setMessage("device-sample-late")
            .addKeyValue("uuid", uuid)
            .addKeyValue("timeoutMs", deviceTimeout.toMillis())
            .log();
      }
      return Optional.empty();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof NvmlException nvml)) {
        LOG.atError()
            .setMessage("device-sample-failed")
            .addKeyValue("uuid", uuid)
            .setCause(e.getCause())
            .log();
      } else if (unanswered.add(uuid)) {
        // Counted where it happened; a lost GPU's series are left out until it answers again.
        LOG.atWarn()
            .setMessage("device-sample-failed")
            .addKeyValue("uuid", uuid)
            .addKeyValue("function", nvml.function())
            .addKeyValue("error", nvml.code().nvmlName())
            .log();
      }
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Stops the workers; a call stuck inside NVML is abandoned, not waited for. */
  @Override
  public void close() {
    try {
      int busy = workers.close(Duration.ofSeconds(1));
      if (busy > 0) {
        LOG.atWarn().setMessage("sampler-workers-still-busy").addKeyValue("active", busy).log();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    gpuSampler.close();
  }
}

package io.gpuagent.health;

import io.gpuagent.health.probe.ProbeKind;
import io.gpuagent.health.probe.ProbeRequest;
import io.gpuagent.health.probe.ProbeResult;
import io.gpuagent.health.probe.ProbeRunner;
import io.gpuagent.nvml.ComputeMode;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.ProcessInfo;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.inventory.Inventory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when each device is probed and runs the probes: every {@code probeInterval}, the first
 * round staggered across the devices so probes do not all start together; in {@code idle-only} mode
 * only while no compute process runs there, looked at when picking and again on the probe's thread
 * right before it starts; never on a device a pod holds while its GPU is in EXCLUSIVE_PROCESS
 * compute mode (the probe's context would make the pod's fail); at most one probe per GPU at a time
 * (a GPU's MIG devices wait for each other). Probes alternate between memory and compute. They run
 * on their own threads, so a probe waiting for its deadline never holds up the health loop.
 */
final class ProbeScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeScheduler.class);

  private final HealthConfig config;
  private final Nvml nvml;
  private final ProbeRunner runner;
  private final HealthBook book;
  private final Clock clock;
  private final Predicate<String> heldByPod;
  private volatile Runnable afterEachProbe = () -> {};
  private final Map<String, Instant> due = new ConcurrentHashMap<>();
  private final Map<String, ProbeKind> nextKind = new ConcurrentHashMap<>();
  private final Set<String> busyGpus = ConcurrentHashMap.newKeySet();
  private final ExecutorService probes;

  /**
   * @param heldByPod whether a pod holds this GPU or MIG UUID (from the kubelet's podresources)
   */
  ProbeScheduler(
      HealthConfig config,
      Nvml nvml,
      ProbeRunner runner,
      HealthBook book,
      Clock clock,
      Predicate<String> heldByPod) {
    this.config = config;
    this.nvml = nvml;
    this.runner = runner;
    this.book = book;
    this.clock = clock;
    this.heldByPod = heldByPod;
    AtomicInteger threads = new AtomicInteger();
    // At most one probe per GPU runs, so the pool never holds more threads than GPUs.
    this.probes =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "gpu-agent-probe-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts the probes that are due now; called once a cycle on the health loop. */
  void startDue(Inventory inventory) {
    if (config.probeMode() == ProbeMode.NEVER) {
      return;
    }
    Instant now = clock.instant();
    List<ProbeTarget> targets = ProbeTarget.all(inventory);
    due.keySet().retainAll(targets.stream().map(ProbeTarget::uuid).toList());
    for (int i = 0; i < targets.size(); i++) {
      Duration offset = config.probeInterval().multipliedBy(i).dividedBy(targets.size());
      due.putIfAbsent(targets.get(i).uuid(), now.plus(offset));
    }
    // Most overdue first, so the MIG devices of one GPU take turns instead of the first one
    // winning every round.
    List<ProbeTarget> byDue =
        targets.stream()
            .sorted(Comparator.comparing(target -> due.getOrDefault(target.uuid(), now)))
            .toList();
    for (ProbeTarget target : byDue) {
      Instant when = due.get(target.uuid());
      if (when == null || now.isBefore(when) || busyGpus.contains(target.gpu().uuid())) {
        continue;
      }
      if (lost(target)) {
        continue; // a probe would only fail; the poll says when it answers again
      }
      if (!clearToProbe(target)) {
        continue; // looked at again next check; a sibling MIG device may take the turn
      }
      launch(target);
    }
  }

  /**
   * How long after {@code now} the next probe is due, so probes keep their own cadence whatever the
   * health interval: until the earliest due time, but at most min(interval, probeInterval), which
   * is also the wait while a device is overdue (being probed, busy, held, lost) or none is known
   * yet.
   */
  Duration untilNextCheck(Instant now) {
    Duration retry =
        config.interval().compareTo(config.probeInterval()) < 0
            ? config.interval()
            : config.probeInterval();
    Instant earliest = null;
    for (Map.Entry<String, Instant> entry : due.entrySet()) {
      if (earliest == null || entry.getValue().isBefore(earliest)) {
        earliest = entry.getValue();
      }
    }
    if (earliest == null || !earliest.isAfter(now)) {
      return retry;
    }
    Duration wait = Duration.between(now, earliest);
    return wait.compareTo(retry) < 0 ? wait : retry;
  }

  /** Called on the probe's thread after each scheduled probe finished (or was skipped). */
  void afterEachProbe(Runnable task) {
    afterEachProbe = task;
  }

  /** Whether a probe runs now on any GPU. */
  boolean busy() {
    return !busyGpus.isEmpty();
  }

  /** When each device's next probe is due (devices seen by {@link #startDue} only). */
  Map<String, Instant> dueTimes() {
    return Map.copyOf(due);
  }

  /**
   * Probes one device now on the caller's thread and records the result.
   *
   * @throws IllegalStateException when a probe already runs on the device's GPU
   */
  ProbeResult probeNow(ProbeTarget target) {
    if (!busyGpus.add(target.gpu().uuid())) {
      throw new IllegalStateException("a probe already runs on GPU " + target.gpu().uuid());
    }
    try {
      return run(target);
    } finally {
      busyGpus.remove(target.gpu().uuid());
    }
  }

  /** Stops the probe threads; the runner (closed first by the service) ends their children. */
  @Override
  public void close() {
    probes.shutdownNow();
    try {
      if (!probes.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.atWarn().setMessage("probe-threads-stop-late").log();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void launch(ProbeTarget target) {
    busyGpus.add(target.gpu().uuid());
    try {
      probes.execute(
          () -> {
            try {
              if (clearToProbe(target)) {
                run(target);
              }
            } finally {
              busyGpus.remove(target.gpu().uuid());
              afterEachProbe.run();
            }
          });
    } catch (RejectedExecutionException e) {
      busyGpus.remove(target.gpu().uuid());
      LOG.atDebug()
          .setMessage("probe-not-started")
          .addKeyValue("uuid", target.uuid())
          .addKeyValue("reason", "closing")
          .log();
    }
  }

  private ProbeResult run(ProbeTarget target) {
    ProbeKind kind =
        nextKind.merge(
            target.uuid(),
            ProbeKind.MEMORY,
            (last, first) -> last == ProbeKind.MEMORY ? ProbeKind.COMPUTE : ProbeKind.MEMORY);
    ProbeRequest request =
        new ProbeRequest(target.uuid(), kind, config.memoryTestMib(), config.probeDeadline());
    ProbeResult result;
    try {
      result = runner.run(request);
    } catch (RuntimeException e) {
      // A bug in the runner says nothing about the device: log it loudly, do not blame the GPU.
      LOG.atError()
          .setMessage("probe-runner-failed")
          .addKeyValue("uuid", target.uuid())
          .addKeyValue("kind", kind.word())
          .setCause(e)
          .log();
      result = ProbeResult.unavailable(Duration.ZERO, "probe runner failed: " + e);
    }
    Instant finished = clock.instant();
    due.put(target.uuid(), finished.plus(config.probeInterval()));
    LOG.atInfo()
        .setMessage("probe-finished")
        .addKeyValue("uuid", target.uuid())
        .addKeyValue("kind", kind.word())
        .addKeyValue("outcome", result.outcome())
        .addKeyValue("durationMs", result.duration().toMillis())
        .addKeyValue("mismatches", result.mismatches())
        .addKeyValue("detail", result.detail().replace('"', '\''))
        .log();
    book.probed(target.uuid(), new ProbeRun(finished, kind, result));
    return result;
  }

  private boolean lost(ProbeTarget target) {
    DeviceHealthView gpu = book.views().get(target.gpu().uuid());
    return gpu != null && gpu.blockers().contains(HealthReason.GPU_LOST);
  }

  /**
   * Looked at right before a scheduled probe starts, so a pod that started since the schedule was
   * made is seen: not while a pod holds the device of a GPU in EXCLUSIVE_PROCESS mode or any
   * process runs there, and in idle-only mode not while a compute process runs there. A skipped
   * device stays due.
   */
  private boolean clearToProbe(ProbeTarget target) {
    try {
      NvmlDevice gpu = nvml.deviceByIndex(target.gpu().index());
      if (!gpu.uuid().equals(target.gpu().uuid())) {
        return false; // the inventory is stale; the next one names this GPU again
      }
      // In EXCLUSIVE_PROCESS mode our context would refuse a pod's (or fail for its): stay off a
      // device a pod holds, and off one with any process yet unattributed by podresources.
      boolean exclusive = gpu.computeMode() == ComputeMode.EXCLUSIVE_PROCESS;
      if (exclusive && heldByPod.test(target.uuid())) {
        return skipped(target, "exclusive-process-held-by-pod");
      }
      if ((exclusive || config.probeMode() == ProbeMode.IDLE_ONLY) && !idle(target, gpu)) {
        return skipped(target, "busy");
      }
      return true;
    } catch (NvmlException e) {
      // A GPU that does not answer is not probed; the counter poll marks it.
      LOG.atDebug()
          .setMessage("probe-skipped")
          .addKeyValue("uuid", target.uuid())
          .addKeyValue("function", e.function())
          .addKeyValue("error", e.code().nvmlName())
          .log();
      return false;
    }
  }

  private static boolean skipped(ProbeTarget target, String reason) {
    LOG.atDebug()
        .setMessage("probe-skipped")
        .addKeyValue("uuid", target.uuid())
        .addKeyValue("reason", reason)
        .log();
    return false;
  }

  /** No compute process on the device (on a MIG device: none in its instance). */
  private static boolean idle(ProbeTarget target, NvmlDevice gpu) {
    List<ProcessInfo> processes = gpu.computeRunningProcesses();
    return target
        .mig()
        .map(
            mig ->
                processes.stream()
                    .noneMatch(
                        p ->
                            p.gpuInstanceId().orElse(-1) == mig.gpuInstanceId()
                                && p.computeInstanceId().orElse(-1) == mig.computeInstanceId()))
        .orElse(processes.isEmpty());
  }
}

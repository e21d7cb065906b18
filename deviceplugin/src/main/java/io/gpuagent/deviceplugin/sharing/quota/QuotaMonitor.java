package io.gpuagent.deviceplugin.sharing.quota;

import io.gpuagent.deviceplugin.sharing.ShareId;
import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.ProcessInfo;
import io.gpuagent.podresources.ContainerRef;
import io.gpuagent.podresources.PodAssignmentSource;
import io.gpuagent.podresources.PodAssignments;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches what each pod uses on the shared GPUs, every mode. Each sample: NVML's compute processes
 * of every shared device → each process's allocation (its {@code GPU_AGENT_DEVICE_IDS}, see {@link
 * ProcessAllocations}) → the pod holding it (the kubelet's podresources) → per holder used and
 * quota bytes → the GPU's policy ({@link QuotaEnforcer}). Publishes an immutable {@link
 * QuotaReport}; {@link #current()} never blocks and never calls NVML.
 *
 * <p>Holders are known from podresources even before they run a process (used 0), and from the
 * processes' environment without a kubelet (container unknown), so enforcement does not depend on
 * podresources.
 */
public final class QuotaMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QuotaMonitor.class);

  private final QuotaConfig config;
  private final Nvml nvml;
  private final Supplier<Map<String, SharedDevice>> sharedDevices;
  private final PodAssignmentSource pods;
  private final Clock clock;
  private final QuotaEnforcer enforcer;
  private final AtomicReference<QuotaReport> latest = new AtomicReference<>(QuotaReport.NONE);
  private final ScheduledExecutorService schedule;
  private final Object sampling = new Object();

  // Kept across samples (guarded by sampling): a running process's allocation does not change
  // (its environ is fixed at exec), so /proc is read once per new pid; the kubelet's answer and
  // the plan are regrouped only when they are replaced.
  private final Map<Integer, List<ShareId>> allocationByPid = new HashMap<>();
  private PodAssignments groupedAssignments;
  private Map<String, SharedDevice> groupedPlan;
  private Map<String, Map<ContainerRef, List<ShareId>>> held = Map.of();

  /**
   * @param sharedDevices the sharing plan in force (UUID → shared device), read each sample
   * @param pods which container holds which device ID
   * @param signals how offending processes are ended under {@code enforcement: kill}
   */
  public QuotaMonitor(
      QuotaConfig config,
      Nvml nvml,
      Supplier<Map<String, SharedDevice>> sharedDevices,
      PodAssignmentSource pods,
      ProcessSignals signals,
      Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.nvml = Objects.requireNonNull(nvml, "nvml");
    this.sharedDevices = Objects.requireNonNull(sharedDevices, "sharedDevices");
    this.pods = Objects.requireNonNull(pods, "pods");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.enforcer = new QuotaEnforcer(signals, config.killGracePeriod(), clock);
    this.schedule =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "gpu-agent-quota");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Samples now and then every interval, on the monitor's thread. */
  public void start() {
    schedule.scheduleWithFixedDelay(
        this::sampleOnSchedule, 0, config.interval().toNanos(), TimeUnit.NANOSECONDS);
    LOG.atInfo()
        .setMessage("quota-monitor-started")
        .addKeyValue("intervalMs", config.interval().toMillis())
        .addKeyValue("procRoot", config.procRoot().toString())
        .log();
  }

  /** The latest sample; {@link QuotaReport#NONE} before the first. */
  public QuotaReport current() {
    return latest.get();
  }

  /** Takes one sample on the caller's thread, applies the policies, publishes and returns it. */
  public QuotaReport sampleNow() {
    synchronized (sampling) {
      Map<String, SharedDevice> plan = sharedDevices.get();
      PodAssignments assignments = pods.current();
      if (assignments != groupedAssignments || plan != groupedPlan) {
        held = heldShares(assignments, plan);
        groupedAssignments = assignments;
        groupedPlan = plan;
      }
      ProcessAllocations allocations = new ProcessAllocations(config.procRoot());
      Map<String, QuotaReport.DeviceUsage> devices = new TreeMap<>();
      Set<QuotaEnforcer.HolderKey> holderKeys = new HashSet<>();
      Set<Integer> running = new HashSet<>();
      Set<String> unread = new HashSet<>();
      for (SharedDevice device : plan.values()) {
        Optional<List<ProcessInfo>> processes = processes(device.uuid());
        if (processes.isEmpty()) {
          unread.add(device.uuid()); // lost, or gone in a re-layout: health reports that
          continue;
        }
        processes.get().forEach(p -> running.add(p.pid()));
        devices.put(
            device.uuid(),
            account(
                device,
                processes.get(),
                held.getOrDefault(device.uuid(), Map.of()),
                assignments,
                allocations,
                holderKeys));
      }
      enforcer.retain(holderKeys, unread, running);
      allocationByPid.keySet().retainAll(running);
      QuotaReport report = new QuotaReport(devices, clock.instant());
      latest.set(report);
      return report;
    }
  }

  private QuotaReport.DeviceUsage account(
      SharedDevice device,
      List<ProcessInfo> processes,
      Map<ContainerRef, List<ShareId>> held,
      PodAssignments assignments,
      ProcessAllocations allocations,
      Set<QuotaEnforcer.HolderKey> holderKeys) {
    // holder: its shares on this device, in ID order → its processes
    Map<List<ShareId>, Optional<ContainerRef>> holders = new LinkedHashMap<>();
    held.forEach((container, shares) -> holders.put(shares, Optional.of(container)));
    Map<List<ShareId>, List<QuotaReport.ProcessUse>> used = new HashMap<>();
    List<QuotaReport.ProcessUse> unattributed = new ArrayList<>();
    for (ProcessInfo p : processes) {
      QuotaReport.ProcessUse use =
          new QuotaReport.ProcessUse(p.pid(), p.usedMemoryBytes().orElse(0L));
      List<ShareId> shares = sharesOn(device.uuid(), allocation(p.pid(), allocations));
      if (shares.isEmpty()) {
        unattributed.add(use);
        continue;
      }
      holders.computeIfAbsent(
          shares, key -> assignments.holders(key.get(0).id()).stream().findFirst());
      used.computeIfAbsent(shares, key -> new ArrayList<>()).add(use);
    }
    List<QuotaReport.HolderUsage> report = new ArrayList<>();
    holders.forEach(
        (shares, container) -> {
          List<QuotaReport.ProcessUse> own = used.getOrDefault(shares, List.of());
          long usedBytes = own.stream().mapToLong(QuotaReport.ProcessUse::usedBytes).sum();
          long quotaBytes = device.quotaBytes(shares.size());
          QuotaEnforcer.HolderKey key =
              new QuotaEnforcer.HolderKey(
                  device.uuid(), container.<Object>map(c -> c).orElse(shares));
          holderKeys.add(key);
          long violations = enforcer.apply(key, device, container, usedBytes, quotaBytes, own);
          report.add(
              new QuotaReport.HolderUsage(
                  container,
                  shares,
                  usedBytes,
                  quotaBytes,
                  violations,
                  quotaBytes > 0 && usedBytes > quotaBytes,
                  own));
        });
    return new QuotaReport.DeviceUsage(device, report, unattributed);
  }

  /** Container → its shares of each shared device, in ID order, from the kubelet's answer. */
  private static Map<String, Map<ContainerRef, List<ShareId>>> heldShares(
      PodAssignments assignments, Map<String, SharedDevice> plan) {
    Map<String, Map<ContainerRef, List<ShareId>>> held = new HashMap<>();
    assignments
        .byDeviceId()
        .forEach(
            (deviceId, containers) ->
                ShareId.parse(deviceId)
                    .filter(share -> plan.containsKey(share.uuid()))
                    .ifPresent(
                        share -> {
                          for (ContainerRef container : containers) {
                            held.computeIfAbsent(share.uuid(), k -> new LinkedHashMap<>())
                                .computeIfAbsent(container, k -> new ArrayList<>())
                                .add(share);
                          }
                        }));
    held.values().forEach(byContainer -> byContainer.replaceAll((c, shares) -> sorted(shares)));
    return held;
  }

  /**
   * A pid's shares (of every device, in ID order), read once while it runs; a pid whose allocation
   * could not be read is read again at the next sample.
   */
  private List<ShareId> allocation(int pid, ProcessAllocations allocations) {
    List<ShareId> known = allocationByPid.get(pid);
    if (known != null) {
      return known;
    }
    Optional<List<String>> read = allocations.deviceIds(pid);
    if (read.isEmpty()) {
      return List.of();
    }
    List<ShareId> shares =
        sorted(
            read.get().stream().map(ShareId::parse).flatMap(Optional::stream).distinct().toList());
    allocationByPid.put(pid, shares);
    return shares;
  }

  private static List<ShareId> sharesOn(String uuid, List<ShareId> shares) {
    for (ShareId share : shares) {
      if (!share.uuid().equals(uuid)) {
        return shares.stream().filter(s -> s.uuid().equals(uuid)).toList();
      }
    }
    return shares;
  }

  private static List<ShareId> sorted(List<ShareId> shares) {
    return shares.stream().sorted(java.util.Comparator.comparingInt(ShareId::index)).toList();
  }

  private Optional<List<ProcessInfo>> processes(String uuid) {
    try {
      return Optional.of(nvml.deviceByUuid(uuid).computeRunningProcesses());
    } catch (NvmlException e) {
      return Optional.empty();
    }
  }

  private void sampleOnSchedule() {
    try {
      sampleNow();
    } catch (RuntimeException e) {
      // an exception would cancel the schedule: log it and keep the previous report
      LOG.atError().setMessage("quota-sample-failed").addKeyValue("error", e.toString()).log();
    }
  }

  /** Stops sampling. Idempotent. */
  @Override
  public void close() {
    schedule.shutdownNow();
    try {
      if (!schedule.awaitTermination(2, TimeUnit.SECONDS)) {
        LOG.atWarn().setMessage("quota-monitor-still-running").log();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

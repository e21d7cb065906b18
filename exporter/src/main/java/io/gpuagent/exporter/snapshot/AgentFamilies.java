package io.gpuagent.exporter.snapshot;

import io.gpuagent.exporter.SharingAccounting;
import io.gpuagent.exporter.events.XidRecorder;
import io.gpuagent.exporter.sampling.GpuSample;
import io.gpuagent.exporter.sampling.NodeSample;
import io.gpuagent.nvml.ClockEventReasons;
import io.gpuagent.nvml.EccErrorType;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.MigDevice;
import io.gpuagent.podresources.ContainerRef;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What dcgm-exporter lacks, under {@code gpu_agent_} in base units: XIDs counted per code, ECC
 * counters, clock-event reasons, device health, and per-pod GPU use.
 */
final class AgentFamilies {
  /**
   * XIDs counted from 0 on every GPU, so their first occurrence is an increase Prometheus sees (a
   * series born at 1 is not): the hardware and driver XIDs of NVIDIA's catalogue.
   */
  static final Set<Long> XIDS_COUNTED_FROM_ZERO =
      Set.of(48L, 61L, 62L, 63L, 64L, 74L, 79L, 92L, 94L, 95L, 119L, 120L, 140L);

  private AgentFamilies() {}

  static List<MetricSnapshot> build(
      NodeSample sample,
      DeviceLabels labels,
      Map<String, Gpu> knownGpus,
      XidRecorder.Snapshot xids,
      Map<String, HealthState> health,
      SharingAccounting sharing) {
    List<MetricSnapshot> snapshots = new ArrayList<>();
    Family xidCounts =
        new Family(
            "gpu_agent_xid_errors",
            "XID errors reported by the driver for this GPU (its MIG instances included) since the agent started, by XID.");
    Family ecc =
        new Family(
            "gpu_agent_ecc_errors",
            "ECC errors since the driver loaded or the GPU was last reset (NVML volatile counters), by type.");
    Family clockReasons =
        new Family(
            "gpu_agent_clock_event_reason",
            "1 when this reason holds the GPU's clocks down now (NVML clock event reasons), else 0.");
    Family podMemory =
        new Family(
            "gpu_agent_pod_gpu_memory_used_bytes",
            "GPU memory used by a container's compute processes, in bytes: on a device it owns, or"
                + " its processes' share of a shared GPU.");
    Family podDevices =
        new Family(
            "gpu_agent_pod_allocated_devices",
            "Device IDs (a GPU, a MIG device or memory slices) a container holds on this device.");
    for (Gpu gpu : knownGpus.values()) {
      Labels gpuLabels = labels.gpu(gpu);
      Map<Long, Long> counts = new TreeMap<>(xids.counts(gpu.uuid()));
      XIDS_COUNTED_FROM_ZERO.forEach(xid -> counts.putIfAbsent(xid, 0L));
      counts.forEach((xid, n) -> xidCounts.add(gpuLabels.add("xid", Long.toString(xid)), n));
      perPod(podDevices, labels.base(gpu), labels.pods().holders(gpu.uuid()));
      for (MigDevice mig : gpu.migDevices()) {
        perPod(podDevices, labels.migBase(gpu, mig), labels.pods().holders(mig.uuid()));
      }
    }
    for (Gpu gpu : sample.inventory().gpus()) {
      Optional<GpuSample> gpuSample = sample.gpu(gpu.uuid());
      if (gpuSample.isEmpty()) {
        continue;
      }
      Labels gpuLabels = labels.gpu(gpu);
      gpuSample
          .get()
          .volatileEccErrors()
          .forEach((type, n) -> ecc.add(gpuLabels.add("error_type", eccType(type)), n));
      gpuSample
          .get()
          .clockEventReasons()
          .ifPresent(reasons -> addReasons(clockReasons, gpuLabels, reasons));
      ownerMemory(
          podMemory, labels, gpu.uuid(), labels.base(gpu), gpuSample.get().processMemoryBytes());
      for (GpuSample.MigSample migSample : gpuSample.get().migDevices()) {
        gpu.migDevices().stream()
            .filter(mig -> mig.uuid().equals(migSample.uuid()))
            .findFirst()
            .ifPresent(
                mig ->
                    ownerMemory(
                        podMemory,
                        labels,
                        mig.uuid(),
                        labels.migBase(gpu, mig),
                        migSample.processMemoryBytes()));
      }
    }
    List<MetricSnapshot> shared = SharingFamilies.build(labels, knownGpus, sharing, podMemory);
    addNonEmpty(snapshots, xidCounts, Family::counter);
    addNonEmpty(snapshots, ecc, Family::counter);
    addNonEmpty(snapshots, clockReasons, Family::gauge);
    addNonEmpty(snapshots, healthFamily(labels, knownGpus, sample, health), Family::gauge);
    addNonEmpty(snapshots, podMemory, Family::gauge);
    addNonEmpty(snapshots, podDevices, Family::gauge);
    snapshots.addAll(shared);
    return snapshots;
  }

  /** Health of every device the source names: GPUs (lost ones too) and MIG instances. */
  private static Family healthFamily(
      DeviceLabels labels,
      Map<String, Gpu> knownGpus,
      NodeSample sample,
      Map<String, HealthState> health) {
    Family family =
        new Family(
            "gpu_agent_device_health",
            "1 when the agent considers the device healthy, 0 when not; reason says why.");
    for (Gpu gpu : knownGpus.values()) {
      add(family, labels.gpu(gpu), health.get(gpu.uuid()));
      for (MigDevice mig : gpu.migDevices()) {
        add(family, labels.mig(gpu, mig), health.get(mig.uuid()));
      }
    }
    sample.inventory().lostGpus().stream()
        .filter(lost -> lost.uuid().isPresent() && !knownGpus.containsKey(lost.uuid().get()))
        .forEach(
            lost ->
                add(
                    family,
                    labels.bare(lost.index(), lost.uuid().get()),
                    health.get(lost.uuid().get())));
    return family;
  }

  /** {@code reason} is the health module's word (e.g. {@code xid}); empty while healthy. */
  private static void add(Family family, Labels labels, HealthState health) {
    if (health != null) {
      String reason = health instanceof HealthState.Unhealthy bad ? bad.reason().label() : "";
      family.add(labels.add("reason", reason), health.isHealthy() ? 1 : 0);
    }
  }

  private static void addReasons(Family family, Labels labels, ClockEventReasons reasons) {
    for (ClockEventReasons.Reason reason : ClockEventReasons.Reason.values()) {
      family.add(
          labels.add("reason", reason.name().toLowerCase(Locale.ROOT)),
          reasons.has(reason) ? 1 : 0);
    }
  }

  private static void perPod(Family family, Labels device, Map<ContainerRef, Integer> holders) {
    holders.forEach(
        (container, count) -> family.add(device.merge(DeviceLabels.podLabels(container)), count));
  }

  /**
   * NVML names processes by PID, and the kubelet does not give PIDs, so process memory is a pod's
   * only when one container owns the whole device. Shared devices get no per-pod memory.
   */
  private static void ownerMemory(
      Family family, DeviceLabels labels, String deviceUuid, Labels device, Optional<Long> bytes) {
    Optional<ContainerRef> owner = labels.pods().owner(deviceUuid);
    if (owner.isPresent() && bytes.isPresent()) {
      family.add(device.merge(DeviceLabels.podLabels(owner.get())), bytes.get());
    }
  }

  private static String eccType(EccErrorType type) {
    return type == EccErrorType.CORRECTED ? "corrected" : "uncorrected";
  }

  static void addNonEmpty(
      List<MetricSnapshot> snapshots, Family family, Function<Family, MetricSnapshot> type) {
    if (!family.isEmpty()) {
      snapshots.add(type.apply(family));
    }
  }
}

package io.gpuagent.exporter.snapshot;

import io.gpuagent.exporter.SharingAccounting;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.MigDevice;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-pod accounting of shared GPUs, beside the GPU's own series (which stay unlabelled by pod, so
 * nothing is counted twice): each sharer's used bytes (into the common {@code
 * gpu_agent_pod_gpu_memory_used_bytes}), its quota and quota violation episodes (memory slices),
 * and each shared device's sharing mode as an info metric.
 */
final class SharingFamilies {
  private SharingFamilies() {}

  static List<MetricSnapshot> build(
      DeviceLabels labels,
      Map<String, Gpu> knownGpus,
      SharingAccounting sharing,
      Family podMemory) {
    Family quota =
        new Family(
            "gpu_agent_pod_gpu_memory_quota_bytes",
            "GPU memory a container may use on a shared GPU (its memory slices × slice size), in"
                + " bytes.");
    Family violations =
        new Family(
            "gpu_agent_pod_gpu_quota_violations",
            "Times a container's processes went over its memory quota on a shared GPU (episodes,"
                + " not samples).");
    Family mode =
        new Family(
            "gpu_agent_gpu_sharing",
            "How a shared GPU or MIG device is offered: mode (replicas, memory-slices) and"
                + " enforcement (observe, kill, mps).");
    if (sharing.byDevice().isEmpty()) {
      return List.of();
    }
    Map<String, SharingAccounting.SharedGpu> byDevice = sharing.byDevice();
    for (Gpu gpu : knownGpus.values()) {
      SharingAccounting.SharedGpu whole = byDevice.get(gpu.uuid());
      if (whole != null) {
        add(labels.base(gpu), whole, podMemory, quota, violations, mode);
      }
      for (MigDevice mig : gpu.migDevices()) {
        SharingAccounting.SharedGpu instance = byDevice.get(mig.uuid());
        if (instance != null) {
          add(labels.migBase(gpu, mig), instance, podMemory, quota, violations, mode);
        }
      }
    }
    List<MetricSnapshot> snapshots = new ArrayList<>();
    AgentFamilies.addNonEmpty(snapshots, quota, Family::gauge);
    AgentFamilies.addNonEmpty(snapshots, violations, Family::counter);
    AgentFamilies.addNonEmpty(snapshots, mode, Family::info);
    return snapshots;
  }

  private static void add(
      Labels device,
      SharingAccounting.SharedGpu shared,
      Family podMemory,
      Family quota,
      Family violations,
      Family mode) {
    mode.add(
        device.merge(Labels.of("mode", shared.mode(), "enforcement", shared.enforcement())), 1);
    for (SharingAccounting.Sharer sharer : shared.sharers()) {
      Labels pod = device.merge(DeviceLabels.podLabels(sharer.container()));
      podMemory.add(pod, sharer.usedBytes());
      if (sharer.quotaBytes() > 0) {
        quota.add(pod, sharer.quotaBytes());
        violations.add(pod, sharer.violations());
      }
    }
  }
}

package io.gpuagent.exporter.snapshot;

import io.gpuagent.exporter.SharingAccounting;
import io.gpuagent.exporter.counters.CounterSet;
import io.gpuagent.exporter.events.XidRecorder;
import io.gpuagent.exporter.exposition.ExpositionSnapshot;
import io.gpuagent.exporter.sampling.NodeSample;
import io.gpuagent.exporter.sampling.NvmlErrors;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.LostGpu;
import io.gpuagent.podresources.PodAssignments;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns each sample, with the pod assignments, device health and XIDs of that moment, into an
 * immutable {@link ExpositionSnapshot}. Keeps what spans samples: totals, and each GPU's identity
 * so a GPU that is lost keeps its labels on the series that outlive it (health, XID counts, up).
 * Called by one thread at a time (the sampler's).
 */
public final class SnapshotBuilder {
  private final CounterSet counters;
  private final String hostname;
  private final Optional<PrometheusRegistry> jvm;
  private final Map<String, Gpu> lastSeen = new HashMap<>();
  private final Map<String, Long> deviceTimeouts = new TreeMap<>();
  private long samples;

  /**
   * @param jvm a registry (JVM metrics, the agent's own collectors) added to every snapshot
   */
  public SnapshotBuilder(CounterSet counters, String hostname, Optional<PrometheusRegistry> jvm) {
    this.counters = counters;
    this.hostname = hostname;
    this.jvm = jvm;
  }

  /**
   * With the per-pod accounting of shared GPUs: their series never carry one pod's labels (a shared
   * GPU is no pod's), and each sharer gets its own used, quota and violation series.
   */
  public ExpositionSnapshot build(
      NodeSample sample,
      PodAssignments assignments,
      SharingAccounting sharing,
      Map<String, HealthState> health,
      XidRecorder.Snapshot xids,
      Map<NvmlErrors.Key, Long> nvmlErrors,
      long podResourcesErrors) {
    samples++;
    sample.timedOut().forEach(uuid -> deviceTimeouts.merge(uuid, 1L, Long::sum));
    Map<String, Gpu> devices = devicesOf(sample);
    DeviceLabels labels =
        new DeviceLabels(
            hostname,
            sample.inventory(),
            counters.labels(),
            PodAttribution.of(assignments, sample.inventory(), sharing.byDevice().keySet()));

    List<MetricSnapshot> all = new ArrayList<>();
    DcgmFamilies.Built dcgm = DcgmFamilies.build(counters, sample, labels, xids);
    all.addAll(dcgm.snapshots());
    all.addAll(AgentFamilies.build(sample, labels, devices, xids, health, sharing));
    all.addAll(
        SelfFamilies.build(
            sample,
            labels,
            devices,
            new SelfFamilies.Totals(samples, deviceTimeouts, nvmlErrors, podResourcesErrors)));
    jvm.ifPresent(registry -> registry.scrape().forEach(all::add));
    return new ExpositionSnapshot(new MetricSnapshots(all), dcgm.counterNames());
  }

  /**
   * The GPUs of the inventory, and the lost ones by their last known identity, in index order. GPUs
   * gone from the inventory altogether are forgotten.
   */
  private Map<String, Gpu> devicesOf(NodeSample sample) {
    Map<String, Gpu> devices = new HashMap<>();
    for (Gpu gpu : sample.inventory().gpus()) {
      lastSeen.put(gpu.uuid(), gpu);
      devices.put(gpu.uuid(), gpu);
    }
    for (LostGpu lost : sample.inventory().lostGpus()) {
      lost.uuid().map(lastSeen::get).ifPresent(gpu -> devices.put(gpu.uuid(), gpu));
    }
    lastSeen.keySet().retainAll(devices.keySet());
    Map<String, Gpu> ordered = new LinkedHashMap<>();
    devices.values().stream()
        .sorted(Comparator.comparingInt(Gpu::index))
        .forEach(gpu -> ordered.put(gpu.uuid(), gpu));
    return ordered;
  }
}

package io.gpuagent.exporter.snapshot;

import static io.gpuagent.exporter.snapshot.AgentFamilies.addNonEmpty;

import io.gpuagent.exporter.sampling.NodeSample;
import io.gpuagent.exporter.sampling.NvmlErrors;
import io.gpuagent.nvml.inventory.Gpu;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The exporter's own health: how sampling goes, which devices answer, what failed. */
final class SelfFamilies {

  /** Totals kept across samples by the snapshot builder. */
  record Totals(
      long samples,
      Map<String, Long> deviceTimeouts,
      Map<NvmlErrors.Key, Long> nvmlErrors,
      long podResourcesErrors) {}

  private SelfFamilies() {}

  static List<MetricSnapshot> build(
      NodeSample sample, DeviceLabels labels, Map<String, Gpu> devices, Totals totals) {
    List<MetricSnapshot> snapshots = new ArrayList<>();
    Family duration =
        new Family(
            "gpu_agent_exporter_sample_duration_seconds",
            "How long the last sample of every GPU took, in seconds.");
    duration.add(Labels.EMPTY, sample.took().toNanos() / 1e9);
    Family samples =
        new Family("gpu_agent_exporter_samples", "Samples taken since the agent started.");
    samples.add(Labels.EMPTY, totals.samples());
    Family lastSample =
        new Family(
            "gpu_agent_exporter_last_sample_timestamp_seconds",
            "When the last sample finished, in seconds since the Unix epoch.");
    lastSample.add(Labels.EMPTY, sample.finishedAt().toEpochMilli() / 1000.0);
    Family up =
        new Family(
            "gpu_agent_exporter_device_up",
            "1 when the GPU answered the last sample in time, 0 when it was lost, failed or late.");
    devices
        .values()
        .forEach(gpu -> up.add(labels.gpu(gpu), sample.gpu(gpu.uuid()).isPresent() ? 1 : 0));
    Family timeouts =
        new Family(
            "gpu_agent_exporter_device_timeouts",
            "Samples in which a GPU did not answer within the device timeout.");
    totals.deviceTimeouts().forEach((uuid, n) -> timeouts.add(Labels.of("UUID", uuid), n));
    Family nvmlErrors =
        new Family(
            "gpu_agent_nvml_errors",
            "NVML calls that failed while sampling, by function and return code.");
    totals
        .nvmlErrors()
        .forEach(
            (key, n) ->
                nvmlErrors.add(
                    Labels.of("function", key.function(), "code", key.code().nvmlName()), n));
    Family podResources =
        new Family(
            "gpu_agent_podresources_errors",
            "Failed calls to the kubelet podresources API (pod labels may be stale or missing).");
    podResources.add(Labels.EMPTY, totals.podResourcesErrors());

    addNonEmpty(snapshots, duration, Family::gauge);
    addNonEmpty(snapshots, samples, Family::counter);
    addNonEmpty(snapshots, lastSample, Family::gauge);
    addNonEmpty(snapshots, up, Family::gauge);
    addNonEmpty(snapshots, timeouts, Family::counter);
    addNonEmpty(snapshots, nvmlErrors, Family::counter);
    addNonEmpty(snapshots, podResources, Family::counter);
    return snapshots;
  }
}

package io.gpuagent.exporter.snapshot;

import io.gpuagent.exporter.counters.CounterSet;
import io.gpuagent.exporter.counters.CounterSpec;
import io.gpuagent.exporter.counters.DcgmField;
import io.gpuagent.exporter.counters.MetricType;
import io.gpuagent.exporter.events.XidRecorder;
import io.gpuagent.exporter.sampling.GpuSample;
import io.gpuagent.exporter.sampling.NodeSample;
import io.gpuagent.nvml.health.XidCatalog;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.MigDevice;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The DCGM series of one sample, as the counters file lists them: one per device that answered and
 * has the field. A GPU that did not answer has none (not stale values); a field NVML does not
 * support is absent (not 0).
 *
 * <p>client_java appends {@code _total} to every counter, but dcgm-exporter's counters have no
 * suffix and dashboards query the bare names. So DCGM counters are built as unknown-typed series
 * and their names listed in {@link Built#counterNames()}; the text writer restores their {@code
 * counter} type line.
 */
final class DcgmFamilies {

  /** The DCGM series of one sample, and which of them are counters. */
  record Built(List<MetricSnapshot> snapshots, Set<String> counterNames) {}

  private DcgmFamilies() {}

  static Built build(
      CounterSet counters, NodeSample sample, DeviceLabels labels, XidRecorder.Snapshot xids) {
    List<MetricSnapshot> snapshots = new ArrayList<>();
    Set<String> counterNames = new LinkedHashSet<>();
    for (CounterSpec spec : counters.series()) {
      Family family = new Family(spec.field().dcgmName(), spec.help());
      for (Gpu gpu : sample.inventory().gpus()) {
        sample
            .gpu(gpu.uuid())
            .ifPresent(gpuSample -> addDevice(family, spec.field(), gpu, gpuSample, labels, xids));
      }
      if (family.isEmpty()) {
        continue;
      }
      if (spec.type() == MetricType.COUNTER) {
        snapshots.add(family.unknown());
        counterNames.add(spec.field().dcgmName());
      } else {
        snapshots.add(family.gauge());
      }
    }
    return new Built(List.copyOf(snapshots), Set.copyOf(counterNames));
  }

  private static void addDevice(
      Family family,
      DcgmField field,
      Gpu gpu,
      GpuSample sample,
      DeviceLabels labels,
      XidRecorder.Snapshot xids) {
    if (field == DcgmField.XID_ERRORS) {
      addXid(
          family,
          labels.gpu(gpu),
          xids.lastXid(new XidRecorder.Place(gpu.uuid(), Optional.empty())));
    } else {
      value(sample.values(), field).ifPresent(v -> family.add(labels.gpu(gpu), v));
    }
    if (!field.onMigDevices()) {
      return;
    }
    for (GpuSample.MigSample migSample : sample.migDevices()) {
      Optional<MigDevice> mig =
          gpu.migDevices().stream().filter(m -> m.uuid().equals(migSample.uuid())).findFirst();
      if (mig.isEmpty()) {
        continue;
      }
      Labels migLabels = labels.mig(gpu, mig.get());
      if (field == DcgmField.XID_ERRORS) {
        XidRecorder.Place place =
            new XidRecorder.Place(gpu.uuid(), Optional.of(mig.get().gpuInstanceId()));
        addXid(family, migLabels, xids.lastXid(place));
      } else {
        value(migSample.values(), field).ifPresent(v -> family.add(migLabels, v));
      }
    }
  }

  /** dcgm-exporter names the XID in {@code err_code} and {@code err_msg}; 0 means none yet. */
  private static void addXid(Family family, Labels labels, long xid) {
    family.add(
        labels.merge(
            Labels.of("err_code", Long.toString(xid), "err_msg", XidCatalog.describe(xid))),
        xid);
  }

  private static Optional<Double> value(Map<DcgmField, Double> values, DcgmField field) {
    return Optional.ofNullable(values.get(field));
  }
}

package io.gpuagent.exporter.snapshot;

import io.gpuagent.exporter.counters.CounterSpec;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.MigDevice;
import io.gpuagent.podresources.ContainerRef;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The labels dcgm-exporter puts on a device's series: {@code gpu}, {@code UUID}, {@code
 * pci_bus_id}, {@code device}, {@code modelName}, {@code Hostname}, the counters file's label
 * fields (e.g. {@code DCGM_FI_DRIVER_VERSION}), {@code GPU_I_PROFILE} and {@code GPU_I_ID} on a MIG
 * instance, and {@code pod}, {@code namespace}, {@code container} when one container owns it. A MIG
 * instance's series carry its GPU's index and UUID, as dcgm-exporter's do.
 */
final class DeviceLabels {
  private final String hostname;
  private final Inventory inventory;
  private final List<CounterSpec> labelFields;
  private final PodAttribution pods;

  DeviceLabels(
      String hostname, Inventory inventory, List<CounterSpec> labelFields, PodAttribution pods) {
    this.hostname = hostname;
    this.inventory = inventory;
    this.labelFields = List.copyOf(labelFields);
    this.pods = pods;
  }

  PodAttribution pods() {
    return pods;
  }

  /** A GPU's labels, with its owner's pod labels. */
  Labels gpu(Gpu gpu) {
    return withOwner(base(gpu), gpu.uuid());
  }

  /** A MIG instance's labels, with its owner's pod labels. */
  Labels mig(Gpu gpu, MigDevice mig) {
    return withOwner(migBase(gpu, mig), mig.uuid());
  }

  /** A GPU's labels without pod labels, for per-pod series that add their own. */
  Labels base(Gpu gpu) {
    List<String> pairs = new ArrayList<>();
    pairs.addAll(
        List.of(
            "gpu", Integer.toString(gpu.index()),
            "UUID", gpu.uuid(),
            "pci_bus_id", gpu.pciBusId(),
            "device", "nvidia" + gpu.minorNumber(),
            "modelName", gpu.name(),
            "Hostname", hostname));
    for (CounterSpec spec : labelFields) {
      value(spec, gpu).ifPresent(v -> pairs.addAll(List.of(spec.field().dcgmName(), v)));
    }
    return Labels.of(pairs.toArray(String[]::new));
  }

  Labels migBase(Gpu gpu, MigDevice mig) {
    return base(gpu)
        .merge(
            Labels.of(
                "GPU_I_PROFILE", mig.profile(), "GPU_I_ID", Integer.toString(mig.gpuInstanceId())));
  }

  /** Labels for a GPU known only by index and UUID (lost before any inventory described it). */
  Labels bare(int index, String uuid) {
    return withOwner(
        Labels.of("gpu", Integer.toString(index), "UUID", uuid, "Hostname", hostname), uuid);
  }

  static Labels podLabels(ContainerRef container) {
    return Labels.of(
        "pod",
        container.pod(),
        "namespace",
        container.namespace(),
        "container",
        container.container());
  }

  private Labels withOwner(Labels labels, String deviceUuid) {
    return pods.owner(deviceUuid).map(owner -> labels.merge(podLabels(owner))).orElse(labels);
  }

  private Optional<String> value(CounterSpec spec, Gpu gpu) {
    return switch (spec.field()) {
      case DRIVER_VERSION -> Optional.of(inventory.driverVersion());
      case NVML_VERSION -> Optional.of(inventory.nvmlVersion());
      case DEV_BRAND -> Optional.of(gpu.brand().name());
      case DEV_SERIAL -> gpu.serial();
      default -> Optional.empty();
    };
  }
}

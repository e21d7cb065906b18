package io.gpuagent.exporter.sampling;

import io.gpuagent.exporter.counters.DcgmField;
import io.gpuagent.nvml.EccCounterType;
import io.gpuagent.nvml.EccErrorType;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.MigDevice;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads one GPU and its MIG devices for one sample. Only the configured fields are asked for. A
 * lost GPU throws {@link NvmlException} (the sampler drops it); other failures leave a field out.
 */
final class GpuSampler implements AutoCloseable {
  private final Nvml nvml;
  private final List<DcgmField> gpuFields;
  private final List<DcgmField> migFields;
  private final NvmlErrors errors;
  private final Clock clock;
  private final Map<String, RateState> rates = new ConcurrentHashMap<>();

  GpuSampler(Nvml nvml, Set<DcgmField> fields, NvmlErrors errors, Clock clock) {
    this.nvml = nvml;
    this.gpuFields = fields.stream().sorted().toList();
    this.migFields = fields.stream().filter(DcgmField::onMigDevices).sorted().toList();
    this.errors = errors;
    this.clock = clock;
  }

  GpuSample sample(Gpu gpu) {
    NvmlDevice device = handle(gpu);
    RateState state = rates.computeIfAbsent(gpu.uuid(), uuid -> new RateState());
    DeviceReader reader = new DeviceReader(device, errors, Optional.of(state), clock);
    Map<DcgmField, Double> values = readFields(gpuFields, reader);
    Map<EccErrorType, Long> ecc = new EnumMap<>(EccErrorType.class);
    for (EccErrorType type : EccErrorType.values()) {
      reader
          .read(d -> d.eccErrorCount(type, EccCounterType.VOLATILE))
          .ifPresent(n -> ecc.put(type, n));
    }
    List<GpuSample.MigSample> migs = new ArrayList<>();
    for (MigDevice mig : gpu.migDevices()) {
      sampleMig(device, mig).ifPresent(migs::add);
    }
    return new GpuSample(
        gpu.uuid(),
        values,
        reader.read(NvmlDevice::clockEventReasons),
        ecc,
        reader.processMemoryBytes(),
        migs);
  }

  /** Drops the rate state of GPUs no longer in the inventory. */
  void retainOnly(Set<String> gpuUuids) {
    rates.keySet().stream()
        .filter(uuid -> !gpuUuids.contains(uuid))
        .toList()
        .forEach(uuid -> rates.remove(uuid).close());
  }

  @Override
  public void close() {
    rates.values().forEach(RateState::close);
    rates.clear();
  }

  /** A MIG device destroyed since the inventory was read is left out until the next inventory. */
  private Optional<GpuSample.MigSample> sampleMig(NvmlDevice gpu, MigDevice mig) {
    DeviceReader parent = new DeviceReader(gpu, errors, Optional.empty(), clock);
    Optional<NvmlDevice> handle =
        parent.read(d -> d.migDevice(mig.index())).filter(h -> h.uuid().equals(mig.uuid()));
    if (handle.isEmpty()) {
      return Optional.empty();
    }
    DeviceReader reader = new DeviceReader(handle.get(), errors, Optional.empty(), clock);
    return Optional.of(
        new GpuSample.MigSample(
            mig.uuid(), readFields(migFields, reader), reader.processMemoryBytes()));
  }

  private static Map<DcgmField, Double> readFields(List<DcgmField> fields, DeviceReader reader) {
    Map<DcgmField, Double> values = new EnumMap<>(DcgmField.class);
    for (DcgmField field : fields) {
      FieldReadings.read(field, reader).ifPresent(value -> values.put(field, value));
    }
    return values;
  }

  /** The GPU's handle by index, checked against the inventory's UUID (indices can move). */
  private NvmlDevice handle(Gpu gpu) {
    NvmlDevice device;
    try {
      device = nvml.deviceByIndex(gpu.index());
    } catch (NvmlException e) {
      errors.count(e);
      throw e;
    }
    if (!device.uuid().equals(gpu.uuid())) {
      throw new NvmlException(
          "nvmlDeviceGetHandleByIndex_v2",
          NvmlReturn.NOT_FOUND,
          "GPU "
              + gpu.uuid()
              + " is no longer at index "
              + gpu.index()
              + " ("
              + device.uuid()
              + " is)");
    }
    return device;
  }
}

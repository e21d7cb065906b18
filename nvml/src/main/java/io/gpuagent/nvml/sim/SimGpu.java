package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.ComputeMode;
import io.gpuagent.nvml.EccCounterType;
import io.gpuagent.nvml.EccErrorType;
import io.gpuagent.nvml.MemoryInfo;
import io.gpuagent.nvml.PciInfo;
import io.gpuagent.nvml.ProcessInfo;
import io.gpuagent.nvml.ProcessUtilization;
import io.gpuagent.nvml.RemappedRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The state of one simulated physical GPU: identity, memory and processes, ECC and row-remap
 * history, whether it fell off the bus, and its MIG layout. {@link SimDevice} is the NVML handle on
 * it. Every method runs under the node's lock (callers go through {@link SimulatedNode#call}).
 */
final class SimGpu {
  final SimulatedNode node;
  final int index;
  final GpuModel model;
  final SimProfile.GpuSpec spec;
  final String uuid;
  final String serial;
  final PciInfo pciInfo;
  final SimSensors sensors;
  final Optional<MigLayout> mig;
  final SimDevice handle;

  private boolean lost;
  private volatile ComputeMode computeMode = ComputeMode.DEFAULT;
  private final long[][] eccCounts =
      new long[EccCounterType.values().length][EccErrorType.values().length];
  private int remappedCorrectable;
  private int remappedUncorrectable;
  private boolean remapPending;
  private boolean remapFailure;
  private final List<SimProcess> processes = new ArrayList<>();

  SimGpu(SimulatedNode node, int index, SimProfile.GpuSpec spec, SimIdentity identity, long seed) {
    this.node = node;
    this.index = index;
    this.model = spec.model();
    this.spec = spec;
    this.uuid = identity.gpuUuid(index);
    this.serial = identity.serial(index);
    this.pciInfo = pciInfo(spec.busId(), model);
    this.sensors =
        new SimSensors(model, new SimWorkload(seed, index, spec.workload(), model.power()));
    this.mig = model.mig().map(table -> new MigLayout(this, table, spec.migEnabled()));
    this.handle = new SimDevice(this);
  }

  private static PciInfo pciInfo(String busId, GpuModel model) {
    String[] parts = busId.split("[:.]");
    return new PciInfo(
        busId,
        Integer.parseInt(parts[0], 16),
        Integer.parseInt(parts[1], 16),
        Integer.parseInt(parts[2], 16),
        model.pciDeviceId(),
        model.pciSubsystemId());
  }

  boolean inMigMode() {
    return mig.map(MigLayout::current).orElse(false);
  }

  boolean lost() {
    return lost;
  }

  void setLost(boolean value) {
    lost = value;
  }

  // ---- memory and processes ------------------------------------------------------------------

  /**
   * Reserved memory is the driver's; used is what the processes hold plus one CUDA context each
   * (NVML's per-process figure leaves the context out here, as a pod's quota does); the rest is
   * free.
   */
  MemoryInfo memoryInfo() {
    long used = usedBy(processes);
    long reserved = model.memoryReservedBytes();
    long total = model.memoryTotalBytes();
    return new MemoryInfo(total, reserved, total - reserved - used, used);
  }

  List<SimProcess> processes() {
    return List.copyOf(processes);
  }

  /** Frame-buffer memory the processes take: their own plus one context each. */
  long usedBy(List<SimProcess> these) {
    long own = these.stream().mapToLong(SimProcess::usedMemoryBytes).sum();
    return own + these.size() * model.contextOverheadBytes();
  }

  /** The frame buffer one more process of {@code bytes} needs: its memory and its context. */
  long needs(long bytes) {
    return bytes + model.contextOverheadBytes();
  }

  java.util.Optional<SimProcess> process(int pid) {
    return processes.stream().filter(p -> p.pid() == pid).findFirst();
  }

  List<SimProcess> processesIn(SimGpuInstance gi) {
    return processes.stream()
        .filter(p -> p.instance().map(ci -> ci.gpuInstance() == gi).orElse(false))
        .toList();
  }

  List<SimProcess> processesIn(SimComputeInstance ci) {
    return processes.stream().filter(p -> p.instance().orElse(null) == ci).toList();
  }

  void addProcess(SimProcess process) {
    processes.add(process);
    processesChanged();
    node.processes().started(this, process);
  }

  boolean removeProcess(int pid) {
    boolean removed = processes.removeIf(p -> p.pid() == pid);
    processesChanged();
    if (removed) {
      node.processes().ended(pid);
    }
    return removed;
  }

  ComputeMode computeMode() {
    return computeMode;
  }

  void setComputeMode(ComputeMode mode) {
    computeMode = mode;
  }

  private void processesChanged() {
    double load = processes.stream().mapToDouble(SimProcess::gpuLoad).sum();
    sensors.workload().setProcessLoad(node.now(), load);
  }

  /** One sample per process, stamped now; none in MIG mode, where NVML keeps none per GPU. */
  List<ProcessUtilization> processUtilization(long sinceMicros) {
    long nowMicros = node.epochMicros();
    if (inMigMode() || sinceMicros >= nowMicros) {
      return List.of();
    }
    return processes.stream()
        .map(
            p -> new ProcessUtilization(p.pid(), nowMicros, p.smPercent(), p.smPercent() / 2, 0, 0))
        .toList();
  }

  static ProcessInfo processInfo(SimProcess p) {
    return new ProcessInfo(
        p.pid(),
        Optional.of(p.usedMemoryBytes()),
        p.instance().map(ci -> ci.gpuInstance().id()),
        p.instance().map(SimComputeInstance::id));
  }

  // ---- ECC and row remapping -----------------------------------------------------------------

  long eccCount(EccErrorType error, EccCounterType counter) {
    return eccCounts[counter.ordinal()][error.ordinal()];
  }

  void addEccErrors(long corrected, long uncorrected) {
    for (EccCounterType counter : EccCounterType.values()) {
      eccCounts[counter.ordinal()][EccErrorType.CORRECTED.ordinal()] += corrected;
      eccCounts[counter.ordinal()][EccErrorType.UNCORRECTED.ordinal()] += uncorrected;
    }
  }

  RemappedRows remappedRows() {
    return new RemappedRows(remappedCorrectable, remappedUncorrectable, remapPending, remapFailure);
  }

  /** An uncorrectable error's row waits to be remapped at the next reset. */
  void setRemapPending(boolean pending) {
    if (pending && !remapPending) {
      remappedUncorrectable++;
    }
    remapPending = pending;
  }

  void setRemapFailure(boolean failure) {
    remapFailure = failure;
  }

  /**
   * What {@code nvidia-smi -r} does: the pending MIG mode takes effect and every MIG instance is
   * gone (MIG layouts do not survive a reset), a pending row remap is applied, the volatile ECC
   * counters restart, and a GPU that fell off the bus is back.
   */
  void reset() {
    mig.ifPresent(MigLayout::resetAndApplyPendingMode);
    remapPending = false;
    for (EccErrorType error : EccErrorType.values()) {
      eccCounts[EccCounterType.VOLATILE.ordinal()][error.ordinal()] = 0;
    }
    lost = false;
  }
}

package io.gpuagent.deviceplugin;

import java.util.Comparator;
import java.util.Optional;

/**
 * One device ID the plan advertises: a whole GPU ({@code mig} empty, ID = GPU UUID) or a MIG device
 * (ID = MIG UUID). {@code lost} is set when its GPU no longer answers NVML, so it is carried over
 * from the previous plan; whether it is healthy is the health module's verdict, not the plan's.
 */
record PlannedDevice(
    String id,
    String gpuUuid,
    int gpuIndex,
    int gpuMinor,
    Optional<Integer> numaNode,
    Optional<MigSlot> mig,
    boolean lost) {

  /** GPU index, then MIG device index: the order devices are listed and answered in. */
  static final Comparator<PlannedDevice> NODE_ORDER =
      Comparator.comparingInt(PlannedDevice::gpuIndex)
          .thenComparingInt(device -> device.mig().map(MigSlot::index).orElse(-1))
          .thenComparing(PlannedDevice::id);

  /** Where a MIG device sits in its GPU; the ids name its capability device nodes. */
  record MigSlot(String profile, int index, int gpuInstanceId, int computeInstanceId) {}

  PlannedDevice asLost() {
    return new PlannedDevice(id, gpuUuid, gpuIndex, gpuMinor, numaNode, mig, true);
  }
}

package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.sharing.ShareId;
import java.util.Comparator;
import java.util.Optional;

/**
 * One device ID the plan advertises: a whole GPU ({@code mig} empty, ID = GPU UUID), a MIG device
 * (ID = MIG UUID), or one share of either ({@code share} set, ID = {@code <uuid>::<k>}). {@code
 * lost} is set when its GPU no longer answers NVML, so it is carried over from the previous plan;
 * whether it is healthy is the health module's verdict, not the plan's.
 */
record PlannedDevice(
    String id,
    String gpuUuid,
    int gpuIndex,
    int gpuMinor,
    Optional<Integer> numaNode,
    Optional<MigSlot> mig,
    boolean lost,
    Optional<ShareId> share) {

  /** A whole GPU or MIG device, not shared. */
  PlannedDevice(
      String id,
      String gpuUuid,
      int gpuIndex,
      int gpuMinor,
      Optional<Integer> numaNode,
      Optional<MigSlot> mig,
      boolean lost) {
    this(id, gpuUuid, gpuIndex, gpuMinor, numaNode, mig, lost, Optional.empty());
  }

  /** GPU index, then MIG device index: the order devices are listed and answered in. */
  static final Comparator<PlannedDevice> NODE_ORDER =
      Comparator.comparingInt(PlannedDevice::gpuIndex)
          .thenComparingInt(device -> device.mig().map(MigSlot::index).orElse(-1))
          .thenComparingInt(device -> device.share().map(ShareId::index).orElse(-1))
          .thenComparing(PlannedDevice::id);

  /** Where a MIG device sits in its GPU; the ids name its capability device nodes. */
  record MigSlot(String profile, int index, int gpuInstanceId, int computeInstanceId) {}

  PlannedDevice asLost() {
    return new PlannedDevice(id, gpuUuid, gpuIndex, gpuMinor, numaNode, mig, true, share);
  }

  /** Share {@code index} of this (unshared) device. */
  PlannedDevice asShare(int index) {
    ShareId shareId = new ShareId(id, index);
    return new PlannedDevice(
        shareId.id(), gpuUuid, gpuIndex, gpuMinor, numaNode, mig, lost, Optional.of(shareId));
  }

  /**
   * The GPU or MIG UUID a container gets and health verdicts name: the ID itself, or for a share
   * the device it is a share of.
   */
  String target() {
    return share.map(ShareId::uuid).orElse(id);
  }
}

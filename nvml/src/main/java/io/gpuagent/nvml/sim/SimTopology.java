package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.PciInfo;
import io.gpuagent.nvml.TopologyLevel;
import java.util.List;
import java.util.Optional;

/**
 * How the simulated GPUs are wired: the PCIe tree (host bridge, then switches, then the GPU) and
 * the NVLink fabric of the profile.
 */
final class SimTopology {

  private SimTopology() {}

  /** The closest PCIe level two GPUs share, as {@code nvmlDeviceGetTopologyCommonAncestor}. */
  static TopologyLevel commonAncestor(SimGpu a, SimGpu b) {
    if (a == b) {
      return TopologyLevel.INTERNAL;
    }
    List<String> pathA = a.spec.pcieSwitches();
    List<String> pathB = b.spec.pcieSwitches();
    if (a.spec.hostBridge().equals(b.spec.hostBridge())) {
      int shared = 0;
      while (shared < Math.min(pathA.size(), pathB.size())
          && pathA.get(shared).equals(pathB.get(shared))) {
        shared++;
      }
      if (shared > 0 && shared == pathA.size() && shared == pathB.size()) {
        return TopologyLevel.SINGLE;
      }
      return shared > 0 ? TopologyLevel.MULTIPLE : TopologyLevel.HOSTBRIDGE;
    }
    return a.spec.numaNode() == b.spec.numaNode() ? TopologyLevel.NODE : TopologyLevel.SYSTEM;
  }

  /**
   * Whether a link is up: empty when the model has no such link, and on a GPU in MIG mode, where
   * NVLink is not available to instances and NVML refuses the query.
   */
  static Optional<Boolean> nvLinkActive(SimGpu gpu, int link) {
    if (link < 0 || link >= NvmlDevice.MAX_NVLINKS) {
      throw new SimRefusal(NvmlReturn.INVALID_ARGUMENT, "NVLink " + link + " is out of range");
    }
    if (link >= gpu.model.nvLinks() || gpu.inMigMode()) {
      return Optional.empty();
    }
    return Optional.of(gpu.node.profile().fabric() != SimProfile.NvLinkFabric.NONE);
  }

  /** The NVSwitch or peer GPU at the far end of an active link. */
  static Optional<PciInfo> nvLinkRemote(SimGpu gpu, int link) {
    if (!nvLinkActive(gpu, link).orElse(false)) {
      return Optional.empty();
    }
    SimProfile profile = gpu.node.profile();
    return switch (profile.fabric()) {
      case NVSWITCH -> Optional.of(nvSwitch(gpu, link, profile.nvSwitches()));
      case DIRECT -> Optional.of(peer(gpu, link).pciInfo);
      case NONE -> Optional.empty();
    };
  }

  /** Links are spread over the switches in blocks (HGX H100: 5, 4, 5, 4 links to 4 switches). */
  private static PciInfo nvSwitch(SimGpu gpu, int link, int switches) {
    int sw = link * switches / gpu.model.nvLinks();
    int bus = 0x05 + sw;
    return new PciInfo(
        String.format("00000000:%02X:00.0", bus), 0, bus, 0, gpu.model.nvSwitchPciDeviceId(), 0);
  }

  /** Direct links go to the other GPUs in equal blocks, in index order. */
  private static SimGpu peer(SimGpu gpu, int link) {
    List<SimGpu> peers = gpu.node.gpus().stream().filter(other -> other != gpu).toList();
    int perPeer = Math.max(1, gpu.model.nvLinks() / peers.size());
    return peers.get(Math.min(link / perPeer, peers.size() - 1));
  }
}

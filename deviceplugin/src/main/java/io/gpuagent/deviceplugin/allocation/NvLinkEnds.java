package io.gpuagent.deviceplugin.allocation;

import java.util.Map;

/**
 * Where one GPU's active NVLinks end: at other GPUs of the node (links counted per GPU position) or
 * at NVSwitches (links counted per switch PCI bus id). Empty for a GPU without NVLink, and for a
 * GPU in MIG mode, where NVML refuses NVLink queries.
 */
record NvLinkEnds(Map<Integer, Integer> linksToGpu, Map<String, Integer> linksToSwitch) {

  static final NvLinkEnds NONE = new NvLinkEnds(Map.of(), Map.of());

  NvLinkEnds {
    linksToGpu = Map.copyOf(linksToGpu);
    linksToSwitch = Map.copyOf(linksToSwitch);
  }

  /**
   * NVLinks usable between two GPUs: direct links counted from both ends (a GPU in MIG mode reports
   * none), plus, through each switch both reach, the fewer of their links into it. On an HGX board
   * every GPU has all its links into the same switches, so every pair gets the full link count: the
   * fabric is all-to-all.
   */
  int linksBetween(int position, NvLinkEnds other, int otherPosition) {
    int direct =
        Math.min(
            linksToGpu.getOrDefault(otherPosition, 0), other.linksToGpu.getOrDefault(position, 0));
    int viaSwitches = 0;
    for (Map.Entry<String, Integer> entry : linksToSwitch.entrySet()) {
      viaSwitches +=
          Math.min(entry.getValue(), other.linksToSwitch.getOrDefault(entry.getKey(), 0));
    }
    return direct + viaSwitches;
  }
}

package io.gpuagent.deviceplugin.allocation;

import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.MigDevice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Topology-aware GetPreferredAllocation: of the available devices, the {@code size} (must-include
 * ones among them) whose pairs score highest in total (see {@link PairScore}). Devices are GPU
 * UUIDs, MIG UUIDs (scored as their parent GPU) or memory slices {@code <GPU or MIG UUID>::<n>}.
 * Ties go to the lowest GPU index, then the lowest ID; the answer is sorted the same way.
 *
 * <p>Scores are computed once per inventory by {@link #build}; {@link #choose} does not call NVML
 * and is safe to call from many threads.
 */
public final class TopologyAllocator implements PreferredAllocator {
  private static final String SLICE_SEPARATOR = "::";

  private final GpuTopology topology;
  private final Map<String, Integer> gpuOfDevice;

  private TopologyAllocator(GpuTopology topology, Map<String, Integer> gpuOfDevice) {
    this.topology = topology;
    this.gpuOfDevice = Map.copyOf(gpuOfDevice);
  }

  /**
   * Scores the inventory's GPUs from NVML (NVLink, PCIe tree, NUMA) and knows their MIG devices.
   */
  public static TopologyAllocator build(Nvml nvml, Inventory inventory) {
    GpuTopology topology = NvmlTopologyReader.read(nvml, inventory);
    Map<String, String> migParents = new HashMap<>();
    for (Gpu gpu : inventory.gpus()) {
      for (MigDevice mig : gpu.migDevices()) {
        migParents.put(mig.uuid(), gpu.uuid());
      }
    }
    return of(topology, migParents);
  }

  /** An allocator over a given topology, e.g. a synthetic one; MIG UUID → parent GPU UUID. */
  public static TopologyAllocator of(GpuTopology topology, Map<String, String> migParents) {
    Map<String, Integer> gpuOfDevice = new HashMap<>();
    for (String gpu : topology.gpuUuids()) {
      gpuOfDevice.put(gpu, topology.position(gpu).orElseThrow());
    }
    migParents.forEach(
        (mig, parent) ->
            gpuOfDevice.put(
                mig,
                topology
                    .position(parent)
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "MIG device " + mig + " names unknown parent GPU " + parent))));
    return new TopologyAllocator(topology, gpuOfDevice);
  }

  public GpuTopology topology() {
    return topology;
  }

  @Override
  public List<String> choose(List<String> available, List<String> mustInclude, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("allocation size must be at least 1, got " + size);
    }
    Set<String> offered = new LinkedHashSet<>(available);
    Set<String> required = new LinkedHashSet<>(mustInclude);
    for (String id : offered) {
      gpuPosition(id);
    }
    for (String id : required) {
      if (!offered.contains(id)) {
        throw new IllegalArgumentException(
            "must-include device " + id + " is not among the available devices");
      }
    }
    if (required.size() > size) {
      throw new IllegalArgumentException(
          required.size() + " must-include devices do not fit in an allocation of " + size);
    }
    if (size > offered.size()) {
      throw new IllegalArgumentException(
          "cannot allocate " + size + " devices: only " + offered.size() + " are available");
    }
    return pick(offered, required, size);
  }

  private List<String> pick(Set<String> offered, Set<String> required, int size) {
    // Per GPU position: its required IDs and its optional IDs, each sorted.
    Map<Integer, TreeSet<String>> requiredByGpu = new TreeMap<>();
    Map<Integer, TreeSet<String>> optionalByGpu = new TreeMap<>();
    for (String id : offered) {
      Map<Integer, TreeSet<String>> side = required.contains(id) ? requiredByGpu : optionalByGpu;
      side.computeIfAbsent(gpuPosition(id), gpu -> new TreeSet<>()).add(id);
    }
    TreeSet<Integer> gpus = new TreeSet<>(requiredByGpu.keySet());
    gpus.addAll(optionalByGpu.keySet());
    List<DeviceGroup> groups = new ArrayList<>(gpus.size());
    for (int gpu : gpus) {
      groups.add(
          new DeviceGroup(
              gpu,
              requiredByGpu.getOrDefault(gpu, new TreeSet<>()).size(),
              optionalByGpu.getOrDefault(gpu, new TreeSet<>()).size()));
    }
    int[] taken = AllocationSearch.run(topology, groups, size - required.size()).taken();
    List<String> chosen = new ArrayList<>(size);
    for (int g = 0; g < groups.size(); g++) {
      int gpu = groups.get(g).gpuPosition();
      TreeSet<String> ids = new TreeSet<>(requiredByGpu.getOrDefault(gpu, new TreeSet<>()));
      optionalByGpu.getOrDefault(gpu, new TreeSet<>()).stream().limit(taken[g]).forEach(ids::add);
      chosen.addAll(ids);
    }
    return List.copyOf(chosen);
  }

  /** A GPU or MIG UUID, or a memory slice {@code <UUID>::<n>}, as its GPU's position. */
  private int gpuPosition(String id) {
    Integer gpu = gpuOfDevice.get(id);
    int separator = id.indexOf(SLICE_SEPARATOR);
    if (gpu == null && separator > 0 && separator + SLICE_SEPARATOR.length() < id.length()) {
      gpu = gpuOfDevice.get(id.substring(0, separator));
    }
    if (gpu == null) {
      throw new IllegalArgumentException(
          "unknown device " + id + ": not a GPU, MIG device or memory slice of this node");
    }
    return gpu;
  }
}

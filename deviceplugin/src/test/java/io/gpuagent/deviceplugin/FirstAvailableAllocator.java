package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.allocation.PreferredAllocator;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.MigDevice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** For tests where topology does not matter: the must-include IDs, then the lowest-index ones. */
final class FirstAvailableAllocator implements PreferredAllocator {
  private final Map<String, Integer> order = new HashMap<>();

  FirstAvailableAllocator(Inventory inventory) {
    for (Gpu gpu : inventory.gpus()) {
      order.put(gpu.uuid(), order.size());
      for (MigDevice mig : gpu.migDevices()) {
        order.put(mig.uuid(), order.size());
      }
    }
  }

  @Override
  public List<String> choose(List<String> available, List<String> mustInclude, int size) {
    if (size < 1 || size > available.size()) {
      throw new IllegalArgumentException(
          "cannot choose " + size + " of " + available.size() + " available devices");
    }
    for (String id : available) {
      if (!order.containsKey(id)) {
        throw new IllegalArgumentException("unknown device " + id);
      }
    }
    Set<String> chosen = new LinkedHashSet<>();
    for (String id : mustInclude) {
      if (!available.contains(id)) {
        throw new IllegalArgumentException("must-include device " + id + " is not available");
      }
      chosen.add(id);
    }
    List<String> byIndex = new ArrayList<>(available);
    byIndex.sort(Comparator.comparing(order::get));
    for (String id : byIndex) {
      if (chosen.size() == size) {
        break;
      }
      chosen.add(id);
    }
    return List.copyOf(chosen);
  }
}

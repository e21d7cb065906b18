package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.NvmlReturn;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** The open event sets of a node: registrations go in, every event is offered to each set. */
final class SimEventHub {
  private final SimulatedNode node;
  private final List<SimEventSet> sets = new CopyOnWriteArrayList<>();

  SimEventHub(SimulatedNode node) {
    this.node = node;
  }

  SimEventSet create() {
    SimEventSet set = new SimEventSet(node);
    sets.add(set);
    return set;
  }

  /** Adds event types of a GPU (or one MIG device) to a set; all or none, as NVML does. */
  void register(
      EventSet set,
      SimGpu gpu,
      Optional<SimComputeInstance> instance,
      Set<EventType> types,
      Set<EventType> supported) {
    if (!(set instanceof SimEventSet simSet) || !sets.contains(simSet)) {
      throw new SimRefusal(NvmlReturn.INVALID_ARGUMENT, "not an open event set of this node");
    }
    if (!supported.containsAll(types)) {
      String uuid = instance.map(SimComputeInstance::uuid).orElse(gpu.uuid);
      throw new SimRefusal(
          NvmlReturn.NOT_SUPPORTED, uuid + " supports events " + supported + ", not " + types);
    }
    if (!types.isEmpty()) {
      simSet.register(instance.isPresent() ? instance.get() : gpu, types);
    }
  }

  void publish(SimGpu gpu, Optional<SimComputeInstance> instance, EventType type, long data) {
    for (SimEventSet set : sets) {
      set.offer(gpu, instance, type, data);
    }
  }

  void closed(SimEventSet set) {
    sets.remove(set);
  }
}

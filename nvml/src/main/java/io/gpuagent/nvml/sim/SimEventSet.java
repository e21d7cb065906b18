package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.EventData;
import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.NvmlReturn;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A simulated NVML event set. Devices register event types into it; events that happen after the
 * registration queue up, and one thread takes them with {@link #await}. A GPU registration sees
 * every event of the GPU and its MIG devices; a MIG device registration sees its own XIDs and the
 * GPU-wide ones. Like NVML, {@link EventData#device()} is always the physical GPU.
 */
final class SimEventSet implements EventSet {
  private final SimulatedNode node;
  private final BlockingQueue<EventData> queue = new LinkedBlockingQueue<>();

  /** Registered types by source: a {@link SimGpu} or a {@link SimComputeInstance}. */
  private final Map<Object, Set<EventType>> registrations = new ConcurrentHashMap<>();

  private volatile boolean closed;

  SimEventSet(SimulatedNode node) {
    this.node = node;
  }

  void register(Object source, Set<EventType> types) {
    registrations.merge(
        source,
        EnumSet.copyOf(types),
        (old, added) -> {
          Set<EventType> union = EnumSet.copyOf(old);
          union.addAll(added);
          return union;
        });
  }

  /** Queues the event once if any registration of this set wants it. */
  void offer(SimGpu gpu, Optional<SimComputeInstance> ci, EventType type, long data) {
    if (closed || !wants(gpu, ci, type)) {
      return;
    }
    queue.add(
        new EventData(
            gpu.handle,
            type,
            data,
            ci.map(c -> c.gpuInstance().id()),
            ci.map(SimComputeInstance::id)));
  }

  private boolean wants(SimGpu gpu, Optional<SimComputeInstance> ci, EventType type) {
    if (registrations.getOrDefault(gpu, Set.of()).contains(type)) {
      return true;
    }
    for (Map.Entry<Object, Set<EventType>> entry : registrations.entrySet()) {
      if (entry.getKey() instanceof SimComputeInstance registered
          && registered.gpu() == gpu
          && entry.getValue().contains(type)
          && ci.map(c -> c == registered).orElse(true)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Optional<EventData> await(Duration timeout) {
    if (!node.initialized()) {
      throw SimCalls.error(
          "nvmlEventSetWait_v2", NvmlReturn.UNINITIALIZED, "NVML is not initialized");
    }
    if (closed) {
      throw SimCalls.error(
          "nvmlEventSetWait_v2", NvmlReturn.INVALID_ARGUMENT, "the event set was freed");
    }
    try {
      return Optional.ofNullable(queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      // The waiting thread is being stopped: keep its interrupt and report no event.
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    closed = true;
    registrations.clear();
    queue.clear();
    node.events().closed(this);
  }
}

package io.gpuagent.nvml.events;

import io.gpuagent.nvml.EventData;

/**
 * Receives the events of an {@link NvmlEventPump}. Called on the pump's one thread, in the order
 * NVML delivered the events: return quickly (record, hand off), never call NVML from here.
 */
@FunctionalInterface
public interface NvmlEventListener {
  void onEvent(EventData event);
}

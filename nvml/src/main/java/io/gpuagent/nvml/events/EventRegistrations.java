package io.gpuagent.nvml.events;

import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which GPUs of an event set are registered, brought in line with each inventory. NVML cannot
 * unregister a device, so the set lives as long as the pump: GPUs new to the inventory are added,
 * GPUs that left it are forgotten (and registered again should they come back, e.g. after a reset).
 * Keeping the one set means an inventory change neither drops nor doubles an event. Confined to the
 * pump's thread.
 */
final class EventRegistrations {
  private static final Logger LOG = LoggerFactory.getLogger(EventRegistrations.class);

  private final Nvml nvml;
  private final EventSet set;
  private final Set<EventType> wanted;
  private final Set<String> registered = new HashSet<>();

  /** GPUs already logged as unable to register, so a refusal is logged once, not per change. */
  private final Set<String> refusalsLogged = new HashSet<>();

  EventRegistrations(Nvml nvml, EventSet set, Set<EventType> wanted) {
    this.nvml = nvml;
    this.set = set;
    this.wanted = EnumSet.copyOf(wanted);
  }

  EventSet set() {
    return set;
  }

  /** The UUIDs of the GPUs registered now. */
  Set<String> registered() {
    return Set.copyOf(registered);
  }

  void update(Inventory inventory) {
    Set<String> present = new HashSet<>();
    for (Gpu gpu : inventory.gpus()) {
      present.add(gpu.uuid());
      if (!registered.contains(gpu.uuid())) {
        register(gpu);
      }
    }
    registered.retainAll(present);
  }

  /**
   * Registers a GPU for the wanted types it supports. A GPU-level registration also delivers the
   * XIDs of its MIG devices (with their instance ids), so MIG devices are not registered apart.
   */
  private void register(Gpu gpu) {
    try {
      NvmlDevice device = nvml.deviceByIndex(gpu.index());
      if (!device.uuid().equals(gpu.uuid())) {
        LOG.atWarn()
            .setMessage("event-registration-skipped")
            .addKeyValue("uuid", gpu.uuid())
            .addKeyValue("index", gpu.index())
            .addKeyValue("reason", "index-now-holds-" + device.uuid())
            .log();
        return;
      }
      Set<EventType> types = EnumSet.noneOf(EventType.class);
      types.addAll(wanted);
      types.retainAll(device.supportedEventTypes());
      if (types.isEmpty()) {
        logRefusalOnce(gpu, "supports none of " + wanted);
        return;
      }
      device.registerEvents(set, types);
      registered.add(gpu.uuid());
      refusalsLogged.remove(gpu.uuid());
      LOG.atDebug()
          .setMessage("events-registered")
          .addKeyValue("uuid", gpu.uuid())
          .addKeyValue("types", types)
          .log();
    } catch (NvmlException e) {
      if (e.code() == NvmlReturn.NOT_SUPPORTED) {
        logRefusalOnce(gpu, "registration NOT_SUPPORTED");
      } else {
        // Not registered, so the next inventory (e.g. after a reset) tries again.
        LOG.atWarn()
            .setMessage("event-registration-failed")
            .addKeyValue("uuid", gpu.uuid())
            .addKeyValue("function", e.function())
            .addKeyValue("error", e.code().nvmlName())
            .log();
      }
    }
  }

  private void logRefusalOnce(Gpu gpu, String why) {
    if (refusalsLogged.add(gpu.uuid())) {
      LOG.atInfo()
          .setMessage("events-unavailable")
          .addKeyValue("uuid", gpu.uuid())
          .addKeyValue("model", gpu.name())
          .addKeyValue("reason", why)
          .log();
    }
  }
}

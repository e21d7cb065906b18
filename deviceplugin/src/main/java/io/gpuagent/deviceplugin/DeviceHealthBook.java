package io.gpuagent.deviceplugin;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The health marks the agent set, by GPU or MIG UUID. Marks outlive rebuilds: a device that
 * vanishes and comes back (MIG re-layout, a GPU lost and found) keeps its mark until the agent
 * clears it. Healthy is the default and is not stored.
 */
final class DeviceHealthBook {
  private final Map<String, DeviceHealth.Unhealthy> marks = new ConcurrentHashMap<>();

  /** True when the mark changed. */
  boolean set(String uuid, DeviceHealth health) {
    if (health instanceof DeviceHealth.Unhealthy unhealthy) {
      return !unhealthy.equals(marks.put(uuid, unhealthy));
    }
    return marks.remove(uuid) != null;
  }

  /**
   * A lost GPU's NVML error first, then the device's own mark, then its GPU's: a MIG device follows
   * its parent GPU.
   */
  DeviceHealth effective(PlannedDevice device) {
    if (device.lost().isPresent()) {
      return device.lost().get();
    }
    DeviceHealth.Unhealthy own = marks.get(device.id());
    if (own != null) {
      return own;
    }
    DeviceHealth.Unhealthy parent = marks.get(device.gpuUuid());
    return parent != null ? parent : DeviceHealth.healthy();
  }
}

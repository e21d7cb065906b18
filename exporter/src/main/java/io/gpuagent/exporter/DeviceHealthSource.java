package io.gpuagent.exporter;

import java.util.Map;

/**
 * The health the agent decided for each device, by GPU or MIG UUID (the health module's state).
 * Read once per sample; must not block or call NVML. Devices it does not name get no health series.
 */
@FunctionalInterface
public interface DeviceHealthSource {
  DeviceHealthSource NONE = Map::of;

  Map<String, DeviceHealth> current();
}

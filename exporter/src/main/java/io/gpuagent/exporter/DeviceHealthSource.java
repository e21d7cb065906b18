package io.gpuagent.exporter;

import io.gpuagent.nvml.health.HealthState;
import java.util.Map;

/**
 * The health module's latest verdicts, by GPU or MIG UUID; the exporter renders them as {@code
 * gpu_agent_device_health} and decides nothing itself. Read once per sample; must not block or call
 * NVML. Devices it does not name get no health series.
 */
@FunctionalInterface
public interface DeviceHealthSource {
  DeviceHealthSource NONE = Map::of;

  Map<String, HealthState> current();
}

package io.gpuagent.agent;

import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.agent.config.ConfigException;
import io.gpuagent.deviceplugin.DeviceListStrategy;
import io.gpuagent.deviceplugin.DevicePluginConfig;
import io.gpuagent.deviceplugin.MigStrategy;
import io.gpuagent.exporter.ExporterConfig;
import io.gpuagent.exporter.counters.CounterSet;
import io.gpuagent.exporter.counters.CountersFileException;
import io.gpuagent.health.HealthConfig;
import io.gpuagent.health.ProbeMode;
import io.gpuagent.nvml.health.HealthReason;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns the agent's validated configuration into each module's own configuration, before anything
 * starts: what a module still refuses becomes a {@link ConfigException} (exit 2).
 */
final class ModuleConfigs {
  private ModuleConfigs() {}

  static DevicePluginConfig devicePlugin(AgentConfig config) {
    AgentConfig.DevicePlugin plugin = config.devicePlugin();
    try {
      return new DevicePluginConfig(
          plugin.dir(),
          MigStrategy.parse(plugin.migStrategy()),
          plugin.deviceListStrategies().stream()
              .map(DeviceListStrategy::parse)
              .collect(Collectors.toSet()),
          plugin.passDeviceSpecs(),
          plugin.driverCapabilities(),
          plugin.preStartRequired(),
          plugin.resourcePrefix(),
          plugin.resourceRenames(),
          DevicePluginConfig.DEFAULT_MIG_MINORS_FILE);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("devicePlugin: " + e.getMessage());
    }
  }

  static ExporterConfig exporter(AgentConfig config) {
    try {
      ExporterConfig exporter = ExporterConfig.withInterval(config.metrics().interval());
      return config
          .metrics()
          .countersFile()
          .map(file -> exporter.withCounters(CounterSet.load(file)))
          .orElse(exporter);
    } catch (CountersFileException e) {
      throw new ConfigException("key 'metrics.countersFile': " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("metrics: " + e.getMessage());
    }
  }

  static HealthConfig health(AgentConfig config) {
    AgentConfig.Health health = config.health();
    try {
      return new HealthConfig(
          health.interval(),
          ProbeMode.fromWord(health.probeMode()),
          health.probeInterval(),
          health.probeDeadline(),
          health.recoveryPasses(),
          Set.copyOf(health.ignoredXids()),
          health.stickyReasons().stream().map(HealthReason::fromLabel).collect(Collectors.toSet()),
          health.probeMemoryMiB());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("health: " + e.getMessage());
    }
  }
}

package io.gpuagent.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The validated configuration the agent runs with. Built only by {@link ConfigLoader}. */
public record AgentConfig(
    String nodeName,
    Http http,
    String logFormat,
    String logLevel,
    Optional<String> simulateProfile,
    long simulateSeed,
    String nvmlLibrary,
    DevicePlugin devicePlugin,
    PodResources podResources,
    Metrics metrics,
    Health health,
    Duration inventoryInterval,
    Duration shutdownTimeout) {

  /** The HTTP server; TLS and auth are off when their files are not set. */
  public record Http(
      String host,
      int port,
      Optional<Path> tlsCertFile,
      Optional<Path> tlsKeyFile,
      Optional<Path> bearerTokenFile,
      Optional<String> basicUsername,
      Optional<Path> basicPasswordFile) {}

  /** The kubelet device-plugin side. */
  public record DevicePlugin(
      boolean enabled,
      Path dir,
      String migStrategy,
      List<String> deviceListStrategies,
      boolean passDeviceSpecs,
      Optional<String> driverCapabilities,
      boolean preStartRequired,
      String resourcePrefix,
      Map<String, String> resourceRenames) {

    public DevicePlugin disabled() {
      return new DevicePlugin(
          false,
          dir,
          migStrategy,
          deviceListStrategies,
          passDeviceSpecs,
          driverCapabilities,
          preStartRequired,
          resourcePrefix,
          resourceRenames);
    }
  }

  public AgentConfig withDevicePlugin(DevicePlugin plugin) {
    return new AgentConfig(
        nodeName,
        http,
        logFormat,
        logLevel,
        simulateProfile,
        simulateSeed,
        nvmlLibrary,
        plugin,
        podResources,
        metrics,
        health,
        inventoryInterval,
        shutdownTimeout);
  }

  /** The kubelet podresources client. */
  public record PodResources(boolean enabled, Path socket, Duration interval) {}

  /** XID/ECC watching, probes and the health state machine. */
  public record Health(
      boolean enabled,
      Duration interval,
      String probeMode,
      Duration probeInterval,
      Duration probeDeadline,
      int probeMemoryMiB,
      int recoveryPasses,
      List<Integer> ignoredXids,
      List<String> stickyReasons) {}

  /** The DCGM-compatible exporter. */
  public record Metrics(boolean enabled, Duration interval, Optional<Path> countersFile) {}

  static AgentConfig from(Map<ConfigKey<?>, Object> values) {
    Values v = new Values(values);
    return new AgentConfig(
        v.get(ConfigSchema.NODE_NAME),
        new Http(
            v.get(ConfigSchema.HTTP_HOST),
            v.get(ConfigSchema.HTTP_PORT),
            v.path(ConfigSchema.HTTP_TLS_CERT_FILE),
            v.path(ConfigSchema.HTTP_TLS_KEY_FILE),
            v.path(ConfigSchema.HTTP_AUTH_BEARER_TOKEN_FILE),
            v.text(ConfigSchema.HTTP_AUTH_BASIC_USERNAME),
            v.path(ConfigSchema.HTTP_AUTH_BASIC_PASSWORD_FILE)),
        v.get(ConfigSchema.LOG_FORMAT),
        v.get(ConfigSchema.LOG_LEVEL),
        v.text(ConfigSchema.SIMULATE_PROFILE),
        v.get(ConfigSchema.SIMULATE_SEED),
        v.get(ConfigSchema.NVML_LIBRARY),
        new DevicePlugin(
            v.get(ConfigSchema.DEVICE_PLUGIN_ENABLED),
            Path.of(v.get(ConfigSchema.DEVICE_PLUGIN_DIR)),
            v.get(ConfigSchema.DEVICE_PLUGIN_MIG_STRATEGY),
            v.get(ConfigSchema.DEVICE_PLUGIN_DEVICE_LIST_STRATEGY),
            v.get(ConfigSchema.DEVICE_PLUGIN_PASS_DEVICE_SPECS),
            v.text(ConfigSchema.DEVICE_PLUGIN_DRIVER_CAPABILITIES),
            v.get(ConfigSchema.DEVICE_PLUGIN_PRE_START_REQUIRED),
            v.get(ConfigSchema.DEVICE_PLUGIN_RESOURCE_PREFIX),
            v.get(ConfigSchema.DEVICE_PLUGIN_RESOURCE_RENAMES)),
        new PodResources(
            v.get(ConfigSchema.POD_RESOURCES_ENABLED),
            Path.of(v.get(ConfigSchema.POD_RESOURCES_SOCKET)),
            v.get(ConfigSchema.POD_RESOURCES_INTERVAL)),
        new Metrics(
            v.get(ConfigSchema.METRICS_ENABLED),
            v.get(ConfigSchema.METRICS_INTERVAL),
            v.path(ConfigSchema.METRICS_COUNTERS_FILE)),
        new Health(
            v.get(ConfigSchema.HEALTH_ENABLED),
            v.get(ConfigSchema.HEALTH_INTERVAL),
            v.get(ConfigSchema.HEALTH_PROBE_MODE),
            v.get(ConfigSchema.HEALTH_PROBE_INTERVAL),
            v.get(ConfigSchema.HEALTH_PROBE_DEADLINE),
            v.get(ConfigSchema.HEALTH_PROBE_MEMORY_MIB),
            v.get(ConfigSchema.HEALTH_RECOVERY_PASSES),
            v.get(ConfigSchema.HEALTH_IGNORED_XIDS),
            v.get(ConfigSchema.HEALTH_STICKY_REASONS)),
        v.get(ConfigSchema.INVENTORY_INTERVAL),
        v.get(ConfigSchema.SHUTDOWN_TIMEOUT));
  }

  /** Typed access to the loader's values; an empty string means "not set". */
  private record Values(Map<ConfigKey<?>, Object> values) {
    @SuppressWarnings("unchecked") // values are stored by the key that parsed them
    <T> T get(ConfigKey<T> key) {
      return (T) values.get(key);
    }

    Optional<String> text(ConfigKey<String> key) {
      String value = get(key);
      return value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    Optional<Path> path(ConfigKey<String> key) {
      return text(key).map(Path::of);
    }
  }
}

package io.gpuagent.agent.config;

import io.gpuagent.agent.logging.LogFormat;
import io.gpuagent.agent.logging.LogLevel;
import io.gpuagent.config.ConfigKey;
import io.gpuagent.config.ConfigSchema;
import io.gpuagent.config.ConfigSection;
import io.gpuagent.config.ConfigValues;
import io.gpuagent.config.ValueType;
import io.gpuagent.deviceplugin.DevicePluginConfig;
import io.gpuagent.deviceplugin.sharing.SharingConfig;
import io.gpuagent.deviceplugin.sharing.quota.QuotaConfig;
import io.gpuagent.exporter.ExporterConfig;
import io.gpuagent.health.HealthConfig;
import io.gpuagent.mig.MigConfig;
import io.gpuagent.nvml.jna.JnaNvml;
import io.gpuagent.podresources.PodResourcesConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The validated configuration the agent runs with: its own top-level keys, declared here, and each
 * module's configuration, built by the module from its own keys. A module that is switched off
 * ({@code <prefix>.enabled: false}) is empty. Built only by {@link ConfigLoader}.
 */
public record AgentConfig(
    String nodeName,
    LogFormat logFormat,
    LogLevel logLevel,
    Optional<String> simulateProfile,
    long simulateSeed,
    String nvmlLibrary,
    Duration shutdownTimeout,
    HttpConfig http,
    InventoryConfig inventory,
    Optional<DevicePluginConfig> devicePlugin,
    Optional<PodResourcesConfig> podResources,
    Optional<ExporterConfig> metrics,
    Optional<HealthConfig> health,
    Optional<QuotaConfig> quota,
    MigConfig mig,
    WarmUpConfig warmUp) {

  /** The only schema version this agent reads. */
  public static final int VERSION = 1;

  public static final ConfigKey<Integer> SCHEMA_VERSION =
      ConfigKey.of(
          "",
          "version",
          new ValueType.IntRange(VERSION, VERSION),
          VERSION,
          "Schema version of the file. Must be 1.");
  public static final ConfigKey<String> NODE_NAME =
      new ConfigKey<>(
          "nodeName",
          new ValueType.Text(false),
          Optional.empty(),
          "Kubernetes node name; labels metrics and seeds simulated UUIDs. Default: the host name.");
  public static final ConfigKey<LogFormat> LOG_FORMAT =
      ConfigKey.of(
          "",
          "log.format",
          new ValueType.Word<>(LogFormat.class, LogFormat::word),
          LogFormat.TEXT,
          "Log line format on stderr: key=value text, or one JSON object per line.");
  public static final ConfigKey<LogLevel> LOG_LEVEL =
      ConfigKey.of(
          "",
          "log.level",
          new ValueType.Word<>(LogLevel.class, LogLevel::word),
          LogLevel.INFO,
          "Least severe level logged.");
  public static final ConfigKey<Optional<String>> SIMULATE_PROFILE =
      ConfigKey.of(
          "",
          "simulate.profile",
          new ValueType.Maybe<>(new ValueType.Text(false)),
          Optional.empty(),
          "Run on a simulated node: `h100x8`, `a100-mig`, `pcie-mixed`, or a profile file. Empty:"
              + " the real NVML.");
  public static final ConfigKey<Long> SIMULATE_SEED =
      ConfigKey.of(
          "",
          "simulate.seed",
          new ValueType.AnyLong(),
          1L,
          "Seed of the simulated workload and UUIDs; same seed and node name, same node.");
  public static final ConfigKey<String> NVML_LIBRARY =
      ConfigKey.of(
          "",
          "nvml.library",
          new ValueType.Text(false),
          JnaNvml.LIBRARY_NAME,
          "NVML library: a name the dynamic linker finds, or an absolute path.");
  public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT =
      ConfigKey.of(
          "",
          "shutdown.timeout",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Duration.ofSeconds(4),
          "Longest each shutdown step may wait after SIGTERM (the whole stop stays under 5 s by"
              + " default).");

  public static final ConfigSection SECTION =
      new ConfigSection(
          "",
          "Agent",
          List.of(
              SCHEMA_VERSION,
              NODE_NAME,
              LOG_FORMAT,
              LOG_LEVEL,
              SIMULATE_PROFILE,
              SIMULATE_SEED,
              NVML_LIBRARY,
              SHUTDOWN_TIMEOUT));

  /** Every key the agent reads: its own sections and each module's, in the docs' order. */
  public static final ConfigSchema SCHEMA =
      ConfigSchema.of(
          List.of(
              SECTION,
              HttpConfig.SECTION,
              InventoryConfig.SECTION,
              DevicePluginConfig.SECTION,
              SharingConfig.SECTION,
              PodResourcesConfig.SECTION,
              ExporterConfig.SECTION,
              HealthConfig.SECTION,
              QuotaConfig.SECTION,
              MigConfig.SECTION,
              WarmUpConfig.SECTION));

  static AgentConfig from(ConfigValues values) {
    return new AgentConfig(
        values.get(NODE_NAME),
        values.get(LOG_FORMAT),
        values.get(LOG_LEVEL),
        values.get(SIMULATE_PROFILE),
        values.get(SIMULATE_SEED),
        values.get(NVML_LIBRARY),
        values.get(SHUTDOWN_TIMEOUT),
        HttpConfig.from(values),
        InventoryConfig.from(values),
        enabled(values, DevicePluginConfig.ENABLED, DevicePluginConfig::from),
        enabled(values, PodResourcesConfig.ENABLED, PodResourcesConfig::from),
        enabled(values, ExporterConfig.ENABLED, ExporterConfig::from),
        enabled(values, HealthConfig.ENABLED, HealthConfig::from),
        enabled(values, QuotaConfig.ENABLED, QuotaConfig::from),
        MigConfig.from(values),
        WarmUpConfig.from(values));
  }

  /** A module's configuration, built by the module, when its {@code enabled} key is true. */
  private static <T> Optional<T> enabled(
      ConfigValues values, ConfigKey<Boolean> enabled, Function<ConfigValues, T> module) {
    return values.get(enabled) ? Optional.of(module.apply(values)) : Optional.empty();
  }

  /** The same configuration with the device plugin off. */
  public AgentConfig withoutDevicePlugin() {
    return new AgentConfig(
        nodeName,
        logFormat,
        logLevel,
        simulateProfile,
        simulateSeed,
        nvmlLibrary,
        shutdownTimeout,
        http,
        inventory,
        Optional.empty(),
        podResources,
        metrics,
        health,
        quota,
        mig,
        warmUp);
  }
}

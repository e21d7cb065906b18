package io.gpuagent.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every configuration key gpu-agent knows, in one table: the loader validates against it, the
 * environment names come from it and {@code docs/configuration.md} documents it (a test keeps the
 * two in step). A key not listed here is an error wherever it appears.
 */
public final class ConfigSchema {
  /** The only schema version this agent reads. */
  public static final int VERSION = 1;

  public static final ConfigKey<Integer> SCHEMA_VERSION =
      new ConfigKey<>(
          "version",
          new ValueType.IntRange(VERSION, VERSION),
          Optional.of(VERSION),
          "Schema version of the file. Must be 1.");
  public static final ConfigKey<String> NODE_NAME =
      new ConfigKey<>(
          "nodeName",
          new ValueType.Text(false),
          Optional.empty(),
          "Kubernetes node name; labels metrics and seeds simulated UUIDs. Default: the host name.");
  public static final ConfigKey<Integer> HTTP_PORT =
      new ConfigKey<>(
          "http.port",
          new ValueType.IntRange(0, 65535),
          Optional.of(9400),
          "Port of the HTTP server (health, API, metrics). 0 picks a free port.");
  public static final ConfigKey<String> HTTP_HOST =
      new ConfigKey<>(
          "http.host",
          new ValueType.Text(false),
          Optional.of("0.0.0.0"),
          "Address the HTTP server binds to.");
  public static final ConfigKey<String> LOG_FORMAT =
      new ConfigKey<>(
          "log.format",
          new ValueType.OneOf(List.of("text", "json")),
          Optional.of("text"),
          "Log line format on stderr: `text` (key=value) or `json` (one object per line).");
  public static final ConfigKey<String> LOG_LEVEL =
      new ConfigKey<>(
          "log.level",
          new ValueType.OneOf(List.of("error", "warn", "info", "debug", "trace")),
          Optional.of("info"),
          "Least severe level logged.");
  public static final ConfigKey<String> SIMULATE_PROFILE =
      new ConfigKey<>(
          "simulate.profile",
          new ValueType.Text(true),
          Optional.of(""),
          "Run on a simulated node instead of NVML: a built-in profile (`h100x8`, `a100-mig`,"
              + " `pcie-mixed`) or a path to a profile file. Empty: use the real NVML.");
  public static final ConfigKey<Long> SIMULATE_SEED =
      new ConfigKey<>(
          "simulate.seed",
          new ValueType.AnyLong(),
          Optional.of(1L),
          "Seed of the simulated workload and UUIDs; same seed and node name, same node.");
  public static final ConfigKey<String> NVML_LIBRARY =
      new ConfigKey<>(
          "nvml.library",
          new ValueType.Text(false),
          Optional.of("libnvidia-ml.so.1"),
          "NVML library: a name the dynamic linker finds, or an absolute path.");
  public static final ConfigKey<Duration> METRICS_INTERVAL =
      new ConfigKey<>(
          "metrics.interval",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Optional.of(Duration.ofSeconds(5)),
          "How often the metrics sampler reads NVML (read by the exporter; validated now).");
  public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT =
      new ConfigKey<>(
          "shutdown.timeout",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Optional.of(Duration.ofSeconds(4)),
          "Longest a clean shutdown may take after SIGTERM before the agent gives up waiting.");

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          SCHEMA_VERSION,
          NODE_NAME,
          HTTP_PORT,
          HTTP_HOST,
          LOG_FORMAT,
          LOG_LEVEL,
          SIMULATE_PROFILE,
          SIMULATE_SEED,
          NVML_LIBRARY,
          METRICS_INTERVAL,
          SHUTDOWN_TIMEOUT);

  static final Map<String, ConfigKey<?>> BY_PATH =
      KEYS.stream().collect(Collectors.toUnmodifiableMap(ConfigKey::path, Function.identity()));

  static final Map<String, ConfigKey<?>> BY_ENV =
      KEYS.stream().collect(Collectors.toUnmodifiableMap(ConfigKey::envName, Function.identity()));

  private ConfigSchema() {}
}

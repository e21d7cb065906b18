package io.gpuagent.agent.config;

import io.gpuagent.nvml.health.XidCatalog;
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
          "How often the metrics sampler reads NVML; a scrape renders the latest sample.");
  public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT =
      new ConfigKey<>(
          "shutdown.timeout",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Optional.of(Duration.ofSeconds(4)),
          "Longest a clean shutdown may take after SIGTERM before the agent gives up waiting.");

  public static final ConfigKey<String> HTTP_TLS_CERT_FILE =
      new ConfigKey<>(
          "http.tls.certFile",
          new ValueType.Text(true),
          Optional.of(""),
          "PEM certificate chain; with `http.tls.keyFile`, serves HTTPS instead of HTTP.");
  public static final ConfigKey<String> HTTP_TLS_KEY_FILE =
      new ConfigKey<>(
          "http.tls.keyFile",
          new ValueType.Text(true),
          Optional.of(""),
          "PEM private key of `http.tls.certFile`.");
  public static final ConfigKey<String> HTTP_AUTH_BEARER_TOKEN_FILE =
      new ConfigKey<>(
          "http.auth.bearerTokenFile",
          new ValueType.Text(true),
          Optional.of(""),
          "File holding a bearer token every request must send (except `/healthz`, `/readyz`).");
  public static final ConfigKey<String> HTTP_AUTH_BASIC_USERNAME =
      new ConfigKey<>(
          "http.auth.basicUsername",
          new ValueType.Text(true),
          Optional.of(""),
          "Basic-auth user name; with `http.auth.basicPasswordFile`.");
  public static final ConfigKey<String> HTTP_AUTH_BASIC_PASSWORD_FILE =
      new ConfigKey<>(
          "http.auth.basicPasswordFile",
          new ValueType.Text(true),
          Optional.of(""),
          "File holding the basic-auth password.");
  public static final ConfigKey<Boolean> DEVICE_PLUGIN_ENABLED =
      new ConfigKey<>(
          "devicePlugin.enabled",
          new ValueType.Flag(),
          Optional.of(true),
          "Advertise GPUs to the kubelet through the device-plugin API.");
  public static final ConfigKey<String> DEVICE_PLUGIN_DIR =
      new ConfigKey<>(
          "devicePlugin.dir",
          new ValueType.Text(false),
          Optional.of("/var/lib/kubelet/device-plugins"),
          "The kubelet's device-plugin directory (holds `kubelet.sock` and our sockets).");
  public static final ConfigKey<String> DEVICE_PLUGIN_MIG_STRATEGY =
      new ConfigKey<>(
          "devicePlugin.migStrategy",
          new ValueType.OneOf(List.of("none", "single", "mixed")),
          Optional.of("none"),
          "How MIG devices are advertised (as NVIDIA's plugin: none, single, mixed).");
  public static final ConfigKey<List<String>> DEVICE_PLUGIN_DEVICE_LIST_STRATEGY =
      new ConfigKey<>(
          "devicePlugin.deviceListStrategy",
          new ValueType.SubsetOf(
              List.of("envvar", "volume-mounts", "cdi-annotations", "cdi-cri"), false),
          Optional.of(List.of("envvar")),
          "How Allocate tells the container runtime which devices a container gets.");
  public static final ConfigKey<Boolean> DEVICE_PLUGIN_PASS_DEVICE_SPECS =
      new ConfigKey<>(
          "devicePlugin.passDeviceSpecs",
          new ValueType.Flag(),
          Optional.of(false),
          "Also return /dev/nvidia* device specs from Allocate.");
  public static final ConfigKey<String> DEVICE_PLUGIN_DRIVER_CAPABILITIES =
      new ConfigKey<>(
          "devicePlugin.driverCapabilities",
          new ValueType.Text(true),
          Optional.of(""),
          "If set, Allocate adds NVIDIA_DRIVER_CAPABILITIES with this value (e.g. `compute,utility`).");
  public static final ConfigKey<Boolean> DEVICE_PLUGIN_PRE_START_REQUIRED =
      new ConfigKey<>(
          "devicePlugin.preStartRequired",
          new ValueType.Flag(),
          Optional.of(false),
          "Ask the kubelet to call PreStartContainer (a no-op today).");
  public static final ConfigKey<String> DEVICE_PLUGIN_RESOURCE_PREFIX =
      new ConfigKey<>(
          "devicePlugin.resourcePrefix",
          new ValueType.Text(false),
          Optional.of("nvidia.com"),
          "Domain of advertised resource names.");
  public static final ConfigKey<Map<String, String>> DEVICE_PLUGIN_RESOURCE_RENAMES =
      new ConfigKey<>(
          "devicePlugin.resourceRenames",
          new ValueType.NameMap(),
          Optional.of(Map.of()),
          "Renames of resources by short name, e.g. `gpu: gpu-h100`, `mig-1g.10gb: small`.");
  public static final ConfigKey<Boolean> POD_RESOURCES_ENABLED =
      new ConfigKey<>(
          "podResources.enabled",
          new ValueType.Flag(),
          Optional.of(true),
          "Learn which pod holds which device from the kubelet's podresources API.");
  public static final ConfigKey<String> POD_RESOURCES_SOCKET =
      new ConfigKey<>(
          "podResources.socket",
          new ValueType.Text(false),
          Optional.of("/var/lib/kubelet/pod-resources/kubelet.sock"),
          "The kubelet's podresources socket.");
  public static final ConfigKey<Duration> POD_RESOURCES_INTERVAL =
      new ConfigKey<>(
          "podResources.interval",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Optional.of(Duration.ofSeconds(10)),
          "How often pod assignments are refreshed.");
  public static final ConfigKey<Boolean> METRICS_ENABLED =
      new ConfigKey<>(
          "metrics.enabled",
          new ValueType.Flag(),
          Optional.of(true),
          "Serve DCGM-compatible metrics on `GET /metrics`.");
  public static final ConfigKey<String> METRICS_COUNTERS_FILE =
      new ConfigKey<>(
          "metrics.countersFile",
          new ValueType.Text(true),
          Optional.of(""),
          "A dcgm-exporter counters CSV choosing the fields; empty: the built-in default set.");

  public static final ConfigKey<Boolean> HEALTH_ENABLED =
      new ConfigKey<>(
          "health.enabled",
          new ValueType.Flag(),
          Optional.of(true),
          "Watch XIDs, error counters and probes; when false only GPUs that stop answering are"
              + " marked unhealthy.");
  public static final ConfigKey<Duration> HEALTH_INTERVAL =
      new ConfigKey<>(
          "health.interval",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Optional.of(Duration.ofSeconds(10)),
          "How often error counters (ECC, remapped rows) and lost GPUs are checked.");
  public static final ConfigKey<String> HEALTH_PROBE_MODE =
      new ConfigKey<>(
          "health.probe.mode",
          new ValueType.OneOf(List.of("idle-only", "always", "never")),
          Optional.of("idle-only"),
          "When CUDA probes run: only while a device has no compute processes, always, or never.");
  public static final ConfigKey<Duration> HEALTH_PROBE_INTERVAL =
      new ConfigKey<>(
          "health.probe.interval",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Optional.of(Duration.ofMinutes(5)),
          "How often each device is probed (staggered across devices).");
  public static final ConfigKey<Duration> HEALTH_PROBE_DEADLINE =
      new ConfigKey<>(
          "health.probe.deadline",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Optional.of(Duration.ofSeconds(60)),
          "A probe not done by then is killed and its device is `hung`.");
  public static final ConfigKey<Integer> HEALTH_PROBE_MEMORY_MIB =
      new ConfigKey<>(
          "health.probe.memoryMib",
          new ValueType.IntRange(0, 1 << 20),
          Optional.of(0),
          "Device memory the memory probe checks; 0: 256 MiB or 5 % of free memory, whichever is less.");
  public static final ConfigKey<Integer> HEALTH_RECOVERY_PASSES =
      new ConfigKey<>(
          "health.recoveryPasses",
          new ValueType.IntRange(1, 100),
          Optional.of(3),
          "Consecutive passing probes that bring an unhealthy device back, once its cause is gone.");
  public static final ConfigKey<List<Integer>> HEALTH_IGNORED_XIDS =
      new ConfigKey<>(
          "health.ignoredXids",
          new ValueType.IntList(1, 100_000),
          Optional.of(List.copyOf(XidCatalog.applicationXids())),
          "XIDs caused by applications: counted, but they do not make a device unhealthy.");
  public static final ConfigKey<List<String>> HEALTH_STICKY_REASONS =
      new ConfigKey<>(
          "health.stickyReasons",
          new ValueType.SubsetOf(
              List.of(
                  "xid",
                  "ecc-uncorrectable",
                  "row-remap-failure",
                  "row-remap-pending",
                  "probe-failed",
                  "probe-hung",
                  "gpu-lost"),
              true),
          Optional.of(List.of()),
          "Reasons that keep a device unhealthy until the agent sees a GPU reset.");

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
          HTTP_TLS_CERT_FILE,
          HTTP_TLS_KEY_FILE,
          HTTP_AUTH_BEARER_TOKEN_FILE,
          HTTP_AUTH_BASIC_USERNAME,
          HTTP_AUTH_BASIC_PASSWORD_FILE,
          NVML_LIBRARY,
          DEVICE_PLUGIN_ENABLED,
          DEVICE_PLUGIN_DIR,
          DEVICE_PLUGIN_MIG_STRATEGY,
          DEVICE_PLUGIN_DEVICE_LIST_STRATEGY,
          DEVICE_PLUGIN_PASS_DEVICE_SPECS,
          DEVICE_PLUGIN_DRIVER_CAPABILITIES,
          DEVICE_PLUGIN_PRE_START_REQUIRED,
          DEVICE_PLUGIN_RESOURCE_PREFIX,
          DEVICE_PLUGIN_RESOURCE_RENAMES,
          POD_RESOURCES_ENABLED,
          POD_RESOURCES_SOCKET,
          POD_RESOURCES_INTERVAL,
          METRICS_ENABLED,
          METRICS_INTERVAL,
          METRICS_COUNTERS_FILE,
          HEALTH_ENABLED,
          HEALTH_INTERVAL,
          HEALTH_PROBE_MODE,
          HEALTH_PROBE_INTERVAL,
          HEALTH_PROBE_DEADLINE,
          HEALTH_PROBE_MEMORY_MIB,
          HEALTH_RECOVERY_PASSES,
          HEALTH_IGNORED_XIDS,
          HEALTH_STICKY_REASONS,
          SHUTDOWN_TIMEOUT);

  static final Map<String, ConfigKey<?>> BY_PATH =
      KEYS.stream().collect(Collectors.toUnmodifiableMap(ConfigKey::path, Function.identity()));

  static final Map<String, ConfigKey<?>> BY_ENV =
      KEYS.stream().collect(Collectors.toUnmodifiableMap(ConfigKey::envName, Function.identity()));

  private ConfigSchema() {}
}

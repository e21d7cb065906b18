package io.gpuagent.deviceplugin;

import io.gpuagent.config.ConfigKey;
import io.gpuagent.config.ConfigSection;
import io.gpuagent.config.ConfigValues;
import io.gpuagent.config.ValueType;
import io.gpuagent.deviceplugin.sharing.SharingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What the device plugin advertises and how Allocate answers; the keys under {@code devicePlugin.},
 * each with its default and rule, are declared here and nowhere else.
 *
 * @param pluginDir the kubelet's device-plugin directory, holding {@code kubelet.sock}
 * @param migStrategy how MIG devices become resources
 * @param deviceListStrategies how Allocate names the devices (at least one)
 * @param passDeviceSpecs whether Allocate also lists the {@code /dev} nodes to give the container
 * @param driverCapabilities {@code NVIDIA_DRIVER_CAPABILITIES} to set, e.g. {@code compute,utility}
 * @param preStartRequired whether the kubelet must call PreStartContainer
 * @param resourcePrefix the resource names' domain, e.g. {@code nvidia.com}
 * @param resourceRenames default short name (e.g. {@code gpu}, {@code mig-1g.10gb}) to a new one
 * @param driverRoot where the driver's files are on the host ({@code /}, or e.g. {@code
 *     /run/nvidia/driver} with the GPU operator): device nodes are under {@code <driverRoot>/dev}
 *     when that exists
 * @param migMinorsFile the driver's table of MIG capability device minors, read for device specs
 * @param lockWait how long a second agent waits for the directory's lock before it gives up
 * @param sharing which GPUs are shared and how (the keys under {@code sharing.})
 */
public record DevicePluginConfig(
    Path pluginDir,
    MigStrategy migStrategy,
    Set<DeviceListStrategy> deviceListStrategies,
    boolean passDeviceSpecs,
    Optional<String> driverCapabilities,
    boolean preStartRequired,
    String resourcePrefix,
    Map<String, String> resourceRenames,
    Path driverRoot,
    Path migMinorsFile,
    Duration lockWait,
    SharingConfig sharing) {

  public static final String PREFIX = "devicePlugin";

  /** A DNS subdomain, as the kubelet requires of an extended resource's domain. */
  private static final Pattern DOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** The name part of a qualified name (Kubernetes' rule for extended resources). */
  private static final Pattern SHORT_NAME =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  private static final Pattern CAPABILITIES = Pattern.compile("[a-z0-9_]+(,[a-z0-9_]+)*");

  public static final ConfigKey<Boolean> ENABLED =
      ConfigKey.of(
          PREFIX,
          "enabled",
          new ValueType.Flag(),
          true,
          "Advertise GPUs to the kubelet through the device-plugin API.");
  public static final ConfigKey<Path> DIR =
      ConfigKey.of(
          PREFIX,
          "dir",
          new ValueType.FilePath(),
          Path.of("/var/lib/kubelet/device-plugins"),
          "The kubelet's device-plugin directory: `kubelet.sock` and our sockets.");
  public static final ConfigKey<MigStrategy> MIG_STRATEGY =
      ConfigKey.of(
          PREFIX,
          "migStrategy",
          new ValueType.Word<>(MigStrategy.class, MigStrategy::configName),
          MigStrategy.NONE,
          "How MIG devices are advertised, as with NVIDIA's plugin.");
  public static final ConfigKey<Set<DeviceListStrategy>> DEVICE_LIST_STRATEGY =
      ConfigKey.of(
          PREFIX,
          "deviceListStrategy",
          new ValueType.Words<>(
              new ValueType.Word<>(DeviceListStrategy.class, DeviceListStrategy::configName),
              false),
          Set.of(DeviceListStrategy.ENVVAR),
          "How Allocate tells the runtime which devices a container gets (comma-separated in the"
              + " environment).");
  public static final ConfigKey<Boolean> PASS_DEVICE_SPECS =
      ConfigKey.of(
          PREFIX,
          "passDeviceSpecs",
          new ValueType.Flag(),
          false,
          "Also return `/dev/nvidia*` device specs from Allocate.");
  public static final ConfigKey<Optional<String>> DRIVER_CAPABILITIES =
      ConfigKey.of(
          PREFIX,
          "driverCapabilities",
          new ValueType.Maybe<>(
              new ValueType.Checked<>(
                  new ValueType.Text(false),
                  value -> CAPABILITIES.matcher(value).matches(),
                  "must be a comma-separated list like compute,utility")),
          Optional.empty(),
          "If set, Allocate adds `NVIDIA_DRIVER_CAPABILITIES` with this value (e.g."
              + " `compute,utility`).");
  public static final ConfigKey<Boolean> PRE_START_REQUIRED =
      ConfigKey.of(
          PREFIX,
          "preStartRequired",
          new ValueType.Flag(),
          false,
          "Ask the kubelet to call PreStartContainer (accepted, does nothing).");
  public static final ConfigKey<String> RESOURCE_PREFIX =
      ConfigKey.of(
          PREFIX,
          "resourcePrefix",
          new ValueType.Checked<>(
              new ValueType.Text(false),
              value -> value.length() <= 253 && DOMAIN.matcher(value).matches(),
              "must be a DNS domain like nvidia.com"),
          "nvidia.com",
          "Domain of advertised resource names.");
  public static final ConfigKey<Map<String, String>> RESOURCE_RENAMES =
      ConfigKey.of(
          PREFIX,
          "resourceRenames",
          new ValueType.Checked<>(
              new ValueType.NameMap(),
              renames ->
                  renames.values().stream()
                      .allMatch(to -> to.length() <= 63 && SHORT_NAME.matcher(to).matches()),
              "must rename to resource names (letters, digits, '-', '_', '.'; at most 63)"),
          Map.of(),
          "Renames by short name, e.g. `gpu: gpu-h100` (`gpu=gpu-h100,…` in the environment).");
  public static final ConfigKey<Path> DRIVER_ROOT =
      ConfigKey.of(
          PREFIX,
          "driverRoot",
          new ValueType.Checked<>(
              new ValueType.FilePath(), Path::isAbsolute, "must be an absolute path"),
          Path.of("/"),
          "Where the driver's files are on the host (e.g. `/run/nvidia/driver` with the GPU"
              + " operator); device specs use `<driverRoot>/dev` when it exists.");

  public static final ConfigKey<Duration> LOCK_WAIT =
      ConfigKey.of(
          PREFIX,
          "lockWait",
          new ValueType.MinDuration(Duration.ZERO),
          Duration.ofSeconds(60),
          "One agent per directory: the agent locks `gpu-agent.lock` there before it touches a"
              + " socket. Another agent holding it (a rolling update with `maxSurge`) is waited for"
              + " this long, with one log line, then this agent exits 1; it never removes the"
              + " other's sockets.");

  public static final ConfigSection SECTION =
      new ConfigSection(
          PREFIX,
          "Device plugin",
          List.of(
              ENABLED,
              DIR,
              MIG_STRATEGY,
              DEVICE_LIST_STRATEGY,
              PASS_DEVICE_SPECS,
              DRIVER_CAPABILITIES,
              PRE_START_REQUIRED,
              RESOURCE_PREFIX,
              RESOURCE_RENAMES,
              DRIVER_ROOT,
              LOCK_WAIT));

  /** Not a key: where the NVIDIA driver always publishes it. */
  public static final Path DEFAULT_MIG_MINORS_FILE = Path.of("/proc/driver/nvidia-caps/mig-minors");

  public DevicePluginConfig {
    DIR.check(pluginDir);
    MIG_STRATEGY.check(migStrategy);
    deviceListStrategies =
        Set.copyOf(EnumSet.copyOf(DEVICE_LIST_STRATEGY.check(Set.copyOf(deviceListStrategies))));
    DRIVER_CAPABILITIES.check(driverCapabilities);
    RESOURCE_PREFIX.check(resourcePrefix);
    resourceRenames = Map.copyOf(RESOURCE_RENAMES.check(resourceRenames));
    DRIVER_ROOT.check(driverRoot);
    Objects.requireNonNull(migMinorsFile, "migMinorsFile");
    LOCK_WAIT.check(lockWait);
    Objects.requireNonNull(sharing, "sharing");
  }

  /** The configured plugin; every key nobody set at its default. */
  public static DevicePluginConfig from(ConfigValues values) {
    return new DevicePluginConfig(
        values.get(DIR),
        values.get(MIG_STRATEGY),
        values.get(DEVICE_LIST_STRATEGY),
        values.get(PASS_DEVICE_SPECS),
        values.get(DRIVER_CAPABILITIES),
        values.get(PRE_START_REQUIRED),
        values.get(RESOURCE_PREFIX),
        values.get(RESOURCE_RENAMES),
        values.get(DRIVER_ROOT),
        DEFAULT_MIG_MINORS_FILE,
        values.get(LOCK_WAIT),
        SharingConfig.from(values));
  }

  /** NVIDIA's defaults: no MIG strategy, envvar, no device specs, nvidia.com. */
  public static DevicePluginConfig defaults() {
    return from(ConfigValues.defaults());
  }

  /** The full resource name for a default short name, after renames: {@code nvidia.com/gpu}. */
  public String resourceName(String defaultShortName) {
    return resourcePrefix + "/" + shortName(defaultShortName);
  }

  /** The short name after renames: {@code gpu}, or what {@code gpu} was renamed to. */
  public String shortName(String defaultShortName) {
    return resourceRenames.getOrDefault(defaultShortName, defaultShortName);
  }

  public DevicePluginConfig withPluginDir(Path dir) {
    return copy(c -> c.pluginDir = dir);
  }

  public DevicePluginConfig withMigStrategy(MigStrategy strategy) {
    return copy(c -> c.migStrategy = strategy);
  }

  public DevicePluginConfig withDeviceListStrategies(Set<DeviceListStrategy> strategies) {
    return copy(c -> c.deviceListStrategies = strategies);
  }

  public DevicePluginConfig withDeviceSpecs(boolean pass, Path minorsFile) {
    return copy(
        c -> {
          c.passDeviceSpecs = pass;
          c.migMinorsFile = minorsFile;
        });
  }

  public DevicePluginConfig withDriverCapabilities(Optional<String> capabilities) {
    return copy(c -> c.driverCapabilities = capabilities);
  }

  public DevicePluginConfig withPreStartRequired(boolean required) {
    return copy(c -> c.preStartRequired = required);
  }

  public DevicePluginConfig withResourceNames(String prefix, Map<String, String> renames) {
    return copy(
        c -> {
          c.resourcePrefix = prefix;
          c.resourceRenames = renames;
        });
  }

  public DevicePluginConfig withLockWait(Duration wait) {
    return copy(c -> c.lockWait = wait);
  }

  public DevicePluginConfig withDriverRoot(Path root) {
    return copy(c -> c.driverRoot = root);
  }

  public DevicePluginConfig withSharing(SharingConfig shared) {
    return copy(c -> c.sharing = shared);
  }

  /** This config with {@code change} applied to a copy of its parts; validated like any other. */
  private DevicePluginConfig copy(Consumer<Parts> change) {
    Parts parts = new Parts(this);
    change.accept(parts);
    return parts.build();
  }

  /** The parts of a config while one of the {@code with…} methods changes them. */
  private static final class Parts {
    Path pluginDir;
    MigStrategy migStrategy;
    Set<DeviceListStrategy> deviceListStrategies;
    boolean passDeviceSpecs;
    Optional<String> driverCapabilities;
    boolean preStartRequired;
    String resourcePrefix;
    Map<String, String> resourceRenames;
    Path driverRoot;
    Path migMinorsFile;
    Duration lockWait;
    SharingConfig sharing;

    Parts(DevicePluginConfig config) {
      pluginDir = config.pluginDir;
      migStrategy = config.migStrategy;
      deviceListStrategies = config.deviceListStrategies;
      passDeviceSpecs = config.passDeviceSpecs;
      driverCapabilities = config.driverCapabilities;
      preStartRequired = config.preStartRequired;
      resourcePrefix = config.resourcePrefix;
      resourceRenames = config.resourceRenames;
      driverRoot = config.driverRoot;
      migMinorsFile = config.migMinorsFile;
      lockWait = config.lockWait;
      sharing = config.sharing;
    }

    DevicePluginConfig build() {
      return new DevicePluginConfig(
          pluginDir,
          migStrategy,
          deviceListStrategies,
          passDeviceSpecs,
          driverCapabilities,
          preStartRequired,
          resourcePrefix,
          resourceRenames,
          driverRoot,
          migMinorsFile,
          lockWait,
          sharing);
    }
  }
}

package io.gpuagent.deviceplugin;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the device plugin advertises and how Allocate answers.
 *
 * @param pluginDir the kubelet's device-plugin directory, holding {@code kubelet.sock}
 * @param migStrategy how MIG devices become resources
 * @param deviceListStrategies how Allocate names the devices (at least one)
 * @param passDeviceSpecs whether Allocate also lists the {@code /dev} nodes to give the container
 * @param driverCapabilities {@code NVIDIA_DRIVER_CAPABILITIES} to set, e.g. {@code compute,utility}
 * @param preStartRequired whether the kubelet must call PreStartContainer
 * @param resourcePrefix the resource names' domain, e.g. {@code nvidia.com}
 * @param resourceRenames default short name (e.g. {@code gpu}, {@code mig-1g.10gb}) to a new one
 * @param migMinorsFile the driver's table of MIG capability device minors, read for device specs
 * @param driverRoot where the driver's files are on the host ({@code /}, or e.g. {@code
 *     /run/nvidia/driver} with the GPU operator): device specs name host nodes under its {@code
 *     dev} when that exists
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
    Path migMinorsFile,
    Path driverRoot) {

  public static final Path DEFAULT_PLUGIN_DIR = Path.of("/var/lib/kubelet/device-plugins");
  public static final Path DEFAULT_MIG_MINORS_FILE = Path.of("/proc/driver/nvidia-caps/mig-minors");
  public static final Path DEFAULT_DRIVER_ROOT = Path.of("/");

  /** A DNS subdomain, as the kubelet requires of an extended resource's domain. */
  private static final Pattern DOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** The name part of a qualified name (Kubernetes' rule for extended resources). */
  private static final Pattern SHORT_NAME =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  private static final Pattern CAPABILITIES = Pattern.compile("[a-z0-9_]+(,[a-z0-9_]+)*");

  public DevicePluginConfig {
    Objects.requireNonNull(pluginDir, "pluginDir");
    Objects.requireNonNull(migStrategy, "migStrategy");
    Objects.requireNonNull(driverCapabilities, "driverCapabilities");
    Objects.requireNonNull(resourcePrefix, "resourcePrefix");
    Objects.requireNonNull(migMinorsFile, "migMinorsFile");
    Objects.requireNonNull(driverRoot, "driverRoot");
    if (!driverRoot.isAbsolute()) {
      throw new IllegalArgumentException(
          "driverRoot \"" + driverRoot + "\" is not an absolute path");
    }
    if (deviceListStrategies == null || deviceListStrategies.isEmpty()) {
      throw new IllegalArgumentException("deviceListStrategies must name at least one strategy");
    }
    deviceListStrategies = Set.copyOf(EnumSet.copyOf(deviceListStrategies));
    driverCapabilities.ifPresent(
        value -> {
          if (!CAPABILITIES.matcher(value).matches()) {
            throw new IllegalArgumentException(
                "driverCapabilities \""
                    + value
                    + "\" is not a comma-separated list like compute,utility");
          }
        });
    if (resourcePrefix.length() > 253 || !DOMAIN.matcher(resourcePrefix).matches()) {
      throw new IllegalArgumentException(
          "resourcePrefix \"" + resourcePrefix + "\" is not a DNS domain like nvidia.com");
    }
    resourceRenames = Map.copyOf(resourceRenames);
    resourceRenames.forEach(
        (from, to) -> {
          if (to.length() > 63 || !SHORT_NAME.matcher(to).matches()) {
            throw new IllegalArgumentException(
                "resourceRenames: \""
                    + from
                    + "\" -> \""
                    + to
                    + "\" is not a resource name (letters, digits, '-', '_', '.'; at most 63)");
          }
        });
  }

  /** NVIDIA's defaults: no MIG strategy, envvar, no device specs, nvidia.com. */
  public static DevicePluginConfig defaults() {
    return new DevicePluginConfig(
        DEFAULT_PLUGIN_DIR,
        MigStrategy.NONE,
        Set.of(DeviceListStrategy.ENVVAR),
        false,
        Optional.empty(),
        false,
        "nvidia.com",
        Map.of(),
        DEFAULT_MIG_MINORS_FILE,
        DEFAULT_DRIVER_ROOT);
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
    return new DevicePluginConfig(
        dir,
        migStrategy,
        deviceListStrategies,
        passDeviceSpecs,
        driverCapabilities,
        preStartRequired,
        resourcePrefix,
        resourceRenames,
        migMinorsFile,
        driverRoot);
  }

  public DevicePluginConfig withMigStrategy(MigStrategy strategy) {
    return new DevicePluginConfig(
        pluginDir,
        strategy,
        deviceListStrategies,
        passDeviceSpecs,
        driverCapabilities,
        preStartRequired,
        resourcePrefix,
        resourceRenames,
        migMinorsFile,
        driverRoot);
  }

  public DevicePluginConfig withDeviceListStrategies(Set<DeviceListStrategy> strategies) {
    return new DevicePluginConfig(
        pluginDir,
        migStrategy,
        strategies,
        passDeviceSpecs,
        driverCapabilities,
        preStartRequired,
        resourcePrefix,
        resourceRenames,
        migMinorsFile,
        driverRoot);
  }

  public DevicePluginConfig withDeviceSpecs(boolean pass, Path minorsFile) {
    return new DevicePluginConfig(
        pluginDir,
        migStrategy,
        deviceListStrategies,
        pass,
        driverCapabilities,
        preStartRequired,
        resourcePrefix,
        resourceRenames,
        minorsFile,
        driverRoot);
  }

  public DevicePluginConfig withDriverCapabilities(Optional<String> capabilities) {
    return new DevicePluginConfig(
        pluginDir,
        migStrategy,
        deviceListStrategies,
        passDeviceSpecs,
        capabilities,
        preStartRequired,
        resourcePrefix,
        resourceRenames,
        migMinorsFile,
        driverRoot);
  }

  public DevicePluginConfig withPreStartRequired(boolean required) {
    return new DevicePluginConfig(
        pluginDir,
        migStrategy,
        deviceListStrategies,
        passDeviceSpecs,
        driverCapabilities,
        required,
        resourcePrefix,
        resourceRenames,
        migMinorsFile,
        driverRoot);
  }

  public DevicePluginConfig withResourceNames(String prefix, Map<String, String> renames) {
    return new DevicePluginConfig(
        pluginDir,
        migStrategy,
        deviceListStrategies,
        passDeviceSpecs,
        driverCapabilities,
        preStartRequired,
        prefix,
        renames,
        migMinorsFile,
        driverRoot);
  }

  public DevicePluginConfig withDriverRoot(Path root) {
    return new DevicePluginConfig(
        pluginDir,
        migStrategy,
        deviceListStrategies,
        passDeviceSpecs,
        driverCapabilities,
        preStartRequired,
        resourcePrefix,
        resourceRenames,
        migMinorsFile,
        root);
  }
}

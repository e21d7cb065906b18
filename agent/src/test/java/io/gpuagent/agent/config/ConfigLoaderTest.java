package io.gpuagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.agent.config.ConfigLoader.FlagValue;
import io.gpuagent.agent.logging.LogFormat;
import io.gpuagent.config.ConfigException;
import io.gpuagent.deviceplugin.DeviceListStrategy;
import io.gpuagent.deviceplugin.DevicePluginConfig;
import io.gpuagent.deviceplugin.MigStrategy;
import io.gpuagent.exporter.ExporterConfig;
import io.gpuagent.health.HealthConfig;
import io.gpuagent.health.ProbeMode;
import io.gpuagent.nvml.health.HealthReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private static ConfigLoader loader(Map<String, String> env) {
    return new ConfigLoader(env, Set.of("h100x8", "a100-mig", "pcie-mixed"), () -> "host-1");
  }

  private Path file(String yaml) throws IOException {
    Path path = dir.resolve("config.yaml");
    Files.writeString(path, yaml);
    return path;
  }

  @Test
  void defaultsApplyWithoutFileEnvironmentOrFlags() {
    AgentConfig config = loader(Map.of()).load(Optional.empty(), List.of());

    assertThat(config.http().port()).isEqualTo(9400);
    assertThat(config.http().host()).isEqualTo("0.0.0.0");
    assertThat(config.nodeName()).isEqualTo("host-1");
    assertThat(config.metrics().orElseThrow().interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.simulateProfile()).isEmpty();
    assertThat(config.logFormat()).isEqualTo(LogFormat.TEXT);
  }

  @Test
  void fileValuesOverrideDefaults() throws IOException {
    Path path =
        file(
            """
            version: 1
            nodeName: gpu-node-7
            http:
              port: 9500
            metrics:
              interval: 250ms
            simulate:
              profile: a100-mig
              seed: 42
            """);

    AgentConfig config = loader(Map.of()).load(Optional.of(path), List.of());

    assertThat(config.nodeName()).isEqualTo("gpu-node-7");
    assertThat(config.http().port()).isEqualTo(9500);
    assertThat(config.metrics().orElseThrow().interval()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.simulateProfile()).contains("a100-mig");
    assertThat(config.simulateSeed()).isEqualTo(42);
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFile() throws IOException {
    Path path = file("version: 1\nhttp:\n  port: 9500\nlog:\n  format: text\n");
    Map<String, String> env = Map.of("GPU_AGENT_HTTP_PORT", "9600", "GPU_AGENT_LOG_FORMAT", "json");

    AgentConfig envOnly = loader(env).load(Optional.of(path), List.of());
    AgentConfig withFlag =
        loader(env)
            .load(Optional.of(path), List.of(new FlagValue("--port", HttpConfig.PORT, "9700")));

    assertThat(envOnly.http().port()).isEqualTo(9600);
    assertThat(envOnly.logFormat()).isEqualTo(LogFormat.JSON);
    assertThat(withFlag.http().port()).isEqualTo(9700);
  }

  @Test
  void configFileCanBeNamedByEnvironment() throws IOException {
    Path path = file("version: 1\nhttp:\n  port: 9501\n");

    AgentConfig config =
        loader(Map.of("GPU_AGENT_CONFIG", path.toString())).load(Optional.empty(), List.of());

    assertThat(config.http().port()).isEqualTo(9501);
  }

  @Test
  void unknownKeyIsRejectedWithItsPathAndASuggestion() throws IOException {
    Path path = file("version: 1\nhttp:\n  prot: 9500\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(path + ": unknown key 'http.prot' (did you mean 'http.port'?)");
  }

  @Test
  void negativeIntervalIsRejectedNamingKeyValueAndFile() throws IOException {
    Path path = file("version: 1\nmetrics:\n  interval: -5s\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(path + ": key 'metrics.interval': value '-5s' must not be negative");
  }

  @Test
  void intervalBelowMinimumIsRejected() throws IOException {
    Path path = file("version: 1\nmetrics:\n  interval: 10ms\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .hasMessageContaining("'metrics.interval': value '10ms' must be at least 100ms");
  }

  @Test
  void wrongTypeIsRejected() throws IOException {
    Path path = file("version: 1\nhttp:\n  port: lots\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .hasMessage(path + ": key 'http.port': value 'lots' must be a whole number");
  }

  @Test
  void intervalWithoutUnitIsRejected() throws IOException {
    Path path = file("version: 1\nmetrics:\n  interval: 5\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .hasMessageContaining("value '5' must be a duration with a unit");
  }

  @Test
  void missingFileIsOneLine() {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(missing), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(missing + ": config file not found");
  }

  @Test
  void missingSchemaVersionIsRejected() throws IOException {
    Path path = file("http:\n  port: 9500\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .hasMessageContaining("key 'version' is missing");
  }

  @Test
  void unsupportedSchemaVersionIsRejected() throws IOException {
    Path path = file("version: 2\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .hasMessage(path + ": key 'version': value '2' must be between 1 and 1");
  }

  @Test
  void sectionGivenAsScalarIsRejected() throws IOException {
    Path path = file("version: 1\nhttp: 9400\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .hasMessage(path + ": key 'http' must be a mapping");
  }

  @Test
  void brokenYamlNamesTheLine() throws IOException {
    Path path = file("version: 1\nhttp:\n  port: 9400\n   host: x\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(path + ": line 4: not valid YAML")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void duplicateKeysAreRejected() throws IOException {
    Path path = file("version: 1\nnodeName: a\nnodeName: b\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nodeName");
  }

  @Test
  void unknownEnvironmentVariableIsRejected() {
    assertThatThrownBy(
            () -> loader(Map.of("GPU_AGENT_HTTP_PROT", "1")).load(Optional.empty(), List.of()))
        .hasMessage(
            "environment: unknown variable GPU_AGENT_HTTP_PROT (did you mean 'GPU_AGENT_HTTP_PORT'?)");
  }

  @Test
  void badEnvironmentValueNamesTheVariable() {
    assertThatThrownBy(
            () -> loader(Map.of("GPU_AGENT_HTTP_PORT", "70000")).load(Optional.empty(), List.of()))
        .hasMessage(
            "environment GPU_AGENT_HTTP_PORT: key 'http.port': value '70000' must be between 0 and 65535");
  }

  @Test
  void badFlagValueNamesTheFlag() {
    assertThatThrownBy(
            () ->
                loader(Map.of())
                    .load(
                        Optional.empty(),
                        List.of(new FlagValue("--log-format", AgentConfig.LOG_FORMAT, "xml"))))
        .hasMessage("flag --log-format: key 'log.format': value 'xml' must be one of text, json");
  }

  @Test
  void unknownSimulatorProfileIsRejected() {
    assertThatThrownBy(
            () ->
                loader(Map.of())
                    .load(
                        Optional.empty(),
                        List.of(
                            new FlagValue("--simulate", AgentConfig.SIMULATE_PROFILE, "h200x8"))))
        .hasMessage(
            "flag --simulate: key 'simulate.profile': value 'h200x8' is neither a built-in profile"
                + " (a100-mig, h100x8, pcie-mixed) nor a profile file");
  }

  @Test
  void simulatorProfileMayBeAFile() throws IOException {
    Path profile = dir.resolve("my-node.yaml");
    Files.writeString(profile, "gpus: []\n");

    AgentConfig config =
        loader(Map.of())
            .load(
                Optional.empty(),
                List.of(
                    new FlagValue("--simulate", AgentConfig.SIMULATE_PROFILE, profile.toString())));

    assertThat(config.simulateProfile()).contains(profile.toString());
  }

  @Test
  void environmentNamesFollowKeyPaths() {
    assertThat(ExporterConfig.INTERVAL.envName()).isEqualTo("GPU_AGENT_METRICS_INTERVAL");
    assertThat(AgentConfig.NODE_NAME.envName()).isEqualTo("GPU_AGENT_NODE_NAME");
    assertThat(AgentConfig.SIMULATE_PROFILE.envName()).isEqualTo("GPU_AGENT_SIMULATE_PROFILE");
  }

  @Test
  void emptyFileMeansDefaults() throws IOException {
    Path path = file("");

    assertThat(loader(Map.of()).load(Optional.of(path), List.of()).http().port()).isEqualTo(9400);
  }

  @Test
  void devicePluginSettingsParseFromFileListsAndMappings() throws IOException {
    Path path =
        file(
            """
            version: 1
            devicePlugin:
              migStrategy: mixed
              deviceListStrategy: [envvar, cdi-cri]
              passDeviceSpecs: true
              resourceRenames:
                gpu: gpu-h100
                mig-1g.10gb: small
            """);

    DevicePluginConfig plugin =
        loader(Map.of()).load(Optional.of(path), List.of()).devicePlugin().orElseThrow();

    assertThat(plugin.migStrategy()).isEqualTo(MigStrategy.MIXED);
    assertThat(plugin.deviceListStrategies())
        .containsExactlyInAnyOrder(DeviceListStrategy.ENVVAR, DeviceListStrategy.CDI_CRI);
    assertThat(plugin.passDeviceSpecs()).isTrue();
    assertThat(plugin.resourceRenames())
        .containsEntry("gpu", "gpu-h100")
        .containsEntry("mig-1g.10gb", "small");
    assertThat(plugin.pluginDir()).isEqualTo(Path.of("/var/lib/kubelet/device-plugins"));
  }

  @Test
  void listsAndMappingsParseFromTheEnvironment() {
    AgentConfig config =
        loader(
                Map.of(
                    "GPU_AGENT_DEVICE_PLUGIN_DEVICE_LIST_STRATEGY",
                        "volume-mounts, cdi-annotations",
                    "GPU_AGENT_DEVICE_PLUGIN_RESOURCE_RENAMES", "gpu=accel",
                    "GPU_AGENT_POD_RESOURCES_ENABLED", "false"))
            .load(Optional.empty(), List.of());

    DevicePluginConfig plugin = config.devicePlugin().orElseThrow();
    assertThat(plugin.deviceListStrategies())
        .containsExactlyInAnyOrder(
            DeviceListStrategy.VOLUME_MOUNTS, DeviceListStrategy.CDI_ANNOTATIONS);
    assertThat(plugin.resourceRenames()).isEqualTo(Map.of("gpu", "accel"));
    assertThat(config.podResources()).isEmpty();
  }

  @Test
  void unknownDeviceListStrategyIsRejected() throws IOException {
    Path path = file("version: 1\ndevicePlugin:\n  deviceListStrategy: [envvar, magic]\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .hasMessage(
            path
                + ": key 'devicePlugin.deviceListStrategy': value '[envvar, magic]' must be one of"
                + " envvar, volume-mounts, cdi-annotations, cdi-cri");
  }

  @Test
  void booleanMustBeTrueOrFalse() throws IOException {
    Path path = file("version: 1\ndevicePlugin:\n  enabled: yes please\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .hasMessage(
            path + ": key 'devicePlugin.enabled': value 'yes please' must be true or false");
  }

  @Test
  void tlsCertificateWithoutKeyIsRejected() throws IOException {
    Path cert = dir.resolve("tls.crt");
    Files.writeString(cert, "x");
    Path path = file("version: 1\nhttp:\n  tls:\n    certFile: " + cert + "\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .hasMessage(
            "keys 'http.tls.certFile' and 'http.tls.keyFile' must be set together (only"
                + " 'http.tls.certFile' is set)");
  }

  @Test
  void unreadableTokenFileIsRejected() {
    assertThatThrownBy(
            () ->
                loader(
                        Map.of(
                            "GPU_AGENT_HTTP_AUTH_BEARER_TOKEN_FILE",
                            dir.resolve("none").toString()))
                    .load(Optional.empty(), List.of()))
        .hasMessage(
            "environment GPU_AGENT_HTTP_AUTH_BEARER_TOKEN_FILE: key 'http.auth.bearerTokenFile':"
                + " value '"
                + dir.resolve("none")
                + "' is a file that cannot be read");
  }

  @Test
  void healthSettingsHaveNvidiasIgnoredXidsAndAcceptLists() throws IOException {
    HealthConfig defaults =
        loader(Map.of()).load(Optional.empty(), List.of()).health().orElseThrow();
    Path path =
        file(
            """
            version: 1
            health:
              ignoredXids: [13, 31]
              stickyReasons: [row-remap-failure]
              probe:
                mode: never
            """);

    HealthConfig health =
        loader(Map.of()).load(Optional.of(path), List.of()).health().orElseThrow();

    assertThat(defaults.ignoredXids()).containsExactlyInAnyOrder(13, 31, 43, 45, 68, 109);
    assertThat(defaults.stickyReasons()).isEmpty();
    assertThat(defaults.passesToRecover()).isEqualTo(3);
    assertThat(health.ignoredXids()).containsExactlyInAnyOrder(13, 31);
    assertThat(health.stickyReasons()).containsExactly(HealthReason.ROW_REMAP_FAILURE);
    assertThat(health.probeMode()).isEqualTo(ProbeMode.NEVER);
  }

  @Test
  void badXidListIsRejected() {
    assertThatThrownBy(
            () ->
                loader(Map.of("GPU_AGENT_HEALTH_IGNORED_XIDS", "13,x"))
                    .load(Optional.empty(), List.of()))
        .hasMessage(
            "environment GPU_AGENT_HEALTH_IGNORED_XIDS: key 'health.ignoredXids': value '13,x' must"
                + " be a whole number");
  }

  @Test
  void environmentOverridesAModuleKeyFromTheFile() throws IOException {
    Path path = file("version: 1\nhealth:\n  probe:\n    interval: 10m\n");

    HealthConfig health =
        loader(Map.of("GPU_AGENT_HEALTH_PROBE_INTERVAL", "90s"))
            .load(Optional.of(path), List.of())
            .health()
            .orElseThrow();

    assertThat(health.probeInterval()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void unknownKeyInAModuleSectionSuggestsThatModulesKey() throws IOException {
    Path path = file("version: 1\ndevicePlugin:\n  migStratgy: mixed\n");
    Path probe = dir.resolve("probe.yaml");
    Files.writeString(probe, "version: 1\nhealth:\n  probe:\n    dedline: 5s\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            path
                + ": unknown key 'devicePlugin.migStratgy' (did you mean 'devicePlugin.migStrategy'?)");
    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(probe), List.of()))
        .hasMessage(
            probe + ": unknown key 'health.probe.dedline' (did you mean 'health.probe.deadline'?)");
    assertThatThrownBy(
            () ->
                loader(Map.of("GPU_AGENT_METRICS_INTERVALL", "5s"))
                    .load(Optional.empty(), List.of()))
        .hasMessage(
            "environment: unknown variable GPU_AGENT_METRICS_INTERVALL (did you mean"
                + " 'GPU_AGENT_METRICS_INTERVAL'?)");
  }

  @Test
  void aModuleThatIsOffHasNoConfigurationButItsKeysAreStillChecked() {
    AgentConfig off =
        loader(Map.of("GPU_AGENT_METRICS_ENABLED", "false")).load(Optional.empty(), List.of());

    assertThat(off.metrics()).isEmpty();
    assertThatThrownBy(
            () ->
                loader(
                        Map.of(
                            "GPU_AGENT_METRICS_ENABLED", "false",
                            "GPU_AGENT_METRICS_INTERVAL", "1"))
                    .load(Optional.empty(), List.of()))
        .hasMessageContaining("key 'metrics.interval': value '1' must be a duration");
  }

  @Test
  void newKeysForInventoryAndDriverRootHaveDefaultsAndRules() throws IOException {
    AgentConfig defaults = loader(Map.of()).load(Optional.empty(), List.of());
    Path path =
        file(
            """
            version: 1
            inventory:
              interval: 5s
              sysfsRoot: /tmp/fake-sys
            devicePlugin:
              driverRoot: /run/nvidia/driver
            """);

    AgentConfig config = loader(Map.of()).load(Optional.of(path), List.of());

    assertThat(defaults.inventory().interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(defaults.inventory().sysfsRoot()).isEqualTo(Path.of("/sys"));
    assertThat(defaults.devicePlugin().orElseThrow().driverRoot()).isEqualTo(Path.of("/"));
    assertThat(config.inventory().interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.inventory().sysfsRoot()).isEqualTo(Path.of("/tmp/fake-sys"));
    assertThat(config.devicePlugin().orElseThrow().driverRoot())
        .isEqualTo(Path.of("/run/nvidia/driver"));
    assertThatThrownBy(
            () ->
                loader(Map.of("GPU_AGENT_INVENTORY_INTERVAL", "50ms"))
                    .load(Optional.empty(), List.of()))
        .hasMessage(
            "environment GPU_AGENT_INVENTORY_INTERVAL: key 'inventory.interval': value '50ms'"
                + " must be at least 100ms");
  }

  @Test
  void aModuleRuleBeyondTheTypeNamesSourceKeyAndValue() throws IOException {
    Path path = file("version: 1\ndevicePlugin:\n  resourcePrefix: Nvidia_com\n");

    assertThatThrownBy(() -> loader(Map.of()).load(Optional.of(path), List.of()))
        .hasMessage(
            path
                + ": key 'devicePlugin.resourcePrefix': value 'Nvidia_com' must be a DNS domain"
                + " like nvidia.com");
  }
}

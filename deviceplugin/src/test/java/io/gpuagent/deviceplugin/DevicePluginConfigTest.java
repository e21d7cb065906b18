package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.config.ConfigException;
import io.gpuagent.config.ConfigValues;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DevicePluginConfigTest {

  private static DevicePluginConfig fromEnvironment(String key, Object raw) {
    return DevicePluginConfig.from(
        ConfigValues.builder()
            .set(
                DevicePluginConfig.SECTION.keys().stream()
                    .filter(k -> k.path().equals(key))
                    .findFirst()
                    .orElseThrow(),
                raw,
                "environment X")
            .build());
  }

  @Test
  void strategiesParseFromTheNamesNvidiaUsers() {
    assertThat(fromEnvironment("devicePlugin.migStrategy", "mixed").migStrategy())
        .isEqualTo(MigStrategy.MIXED);
    assertThat(
            fromEnvironment("devicePlugin.deviceListStrategy", List.of("volume-mounts", "cdi-cri"))
                .deviceListStrategies())
        .containsExactlyInAnyOrder(DeviceListStrategy.VOLUME_MOUNTS, DeviceListStrategy.CDI_CRI);
    assertThat(DeviceListStrategy.CDI_ANNOTATIONS.configName()).isEqualTo("cdi-annotations");
  }

  @Test
  void anUnknownStrategyNamesTheKeyTheValueAndTheEnumsWords() {
    assertThatThrownBy(() -> fromEnvironment("devicePlugin.migStrategy", "split"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "environment X: key 'devicePlugin.migStrategy': value 'split' must be one of none,"
                + " single, mixed");
    assertThatThrownBy(() -> fromEnvironment("devicePlugin.deviceListStrategy", "env"))
        .hasMessage(
            "environment X: key 'devicePlugin.deviceListStrategy': value 'env' must be one of"
                + " envvar, volume-mounts, cdi-annotations, cdi-cri");
  }

  @Test
  void defaultsAreNvidiasAndComeFromTheKeys() {
    DevicePluginConfig config = DevicePluginConfig.defaults();

    assertThat(config.pluginDir()).hasToString("/var/lib/kubelet/device-plugins");
    assertThat(config.pluginDir()).isEqualTo(DevicePluginConfig.DIR.defaultValue().orElseThrow());
    assertThat(config.migStrategy()).isEqualTo(MigStrategy.NONE);
    assertThat(config.deviceListStrategies()).containsExactly(DeviceListStrategy.ENVVAR);
    assertThat(config.passDeviceSpecs()).isFalse();
    assertThat(config.driverRoot()).isEqualTo(Path.of("/"));
    assertThat(config.resourceName("gpu")).isEqualTo("nvidia.com/gpu");
  }

  @Test
  void driverRootIsAKey() {
    assertThat(fromEnvironment("devicePlugin.driverRoot", "/run/nvidia/driver").driverRoot())
        .isEqualTo(Path.of("/run/nvidia/driver"));
    assertThatThrownBy(() -> fromEnvironment("devicePlugin.driverRoot", ""))
        .hasMessage("environment X: key 'devicePlugin.driverRoot': value '' must not be empty");
  }

  @Test
  void badConfigValuesAreRefusedWithOneLineNamingKeyAndValue() {
    assertThatThrownBy(() -> fromEnvironment("devicePlugin.resourcePrefix", "Nvidia_com"))
        .hasMessage(
            "environment X: key 'devicePlugin.resourcePrefix': value 'Nvidia_com' must be a DNS"
                + " domain like nvidia.com");
    assertThatThrownBy(
            () -> fromEnvironment("devicePlugin.resourceRenames", "gpu=" + "a".repeat(64)))
        .hasMessageStartingWith("environment X: key 'devicePlugin.resourceRenames': value 'gpu=aaa")
        .hasMessageEndingWith(
            "must rename to resource names (letters, digits, '-', '_', '.'; at most 63)");
    assertThatThrownBy(() -> fromEnvironment("devicePlugin.driverCapabilities", "compute utility"))
        .hasMessage(
            "environment X: key 'devicePlugin.driverCapabilities': value 'compute utility' must be"
                + " a comma-separated list like compute,utility");
  }

  @Test
  void valuesBuiltInCodeMeetTheSameRules() {
    DevicePluginConfig config = DevicePluginConfig.defaults();

    assertThatThrownBy(() -> config.withDeviceListStrategies(Set.of()))
        .hasMessage(
            "key 'devicePlugin.deviceListStrategy': value '[]' must name at least one of envvar,"
                + " volume-mounts, cdi-annotations, cdi-cri");
    assertThatThrownBy(() -> config.withResourceNames("Nvidia_com", Map.of()))
        .hasMessage(
            "key 'devicePlugin.resourcePrefix': value 'Nvidia_com' must be a DNS domain like"
                + " nvidia.com");
    assertThatThrownBy(() -> config.withResourceNames("nvidia.com", Map.of("gpu", "a/b")))
        .hasMessageStartingWith("key 'devicePlugin.resourceRenames': value '{gpu: a/b}'");
    assertThatThrownBy(() -> config.withDriverCapabilities(Optional.of("compute utility")))
        .hasMessageStartingWith("key 'devicePlugin.driverCapabilities': value 'compute utility'");
    assertThatThrownBy(() -> config.withDriverRoot(Path.of("run/nvidia/driver")))
        .hasMessage(
            "key 'devicePlugin.driverRoot': value 'run/nvidia/driver' must be an absolute path");
  }
}

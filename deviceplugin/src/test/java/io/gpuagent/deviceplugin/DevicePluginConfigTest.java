package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DevicePluginConfigTest {

  @Test
  void strategiesParseFromTheNamesNvidiaUsers() {
    assertThat(MigStrategy.parse("mixed")).isEqualTo(MigStrategy.MIXED);
    assertThat(DeviceListStrategy.parse("volume-mounts"))
        .isEqualTo(DeviceListStrategy.VOLUME_MOUNTS);
    assertThat(DeviceListStrategy.parse("cdi-cri")).isEqualTo(DeviceListStrategy.CDI_CRI);
    assertThat(DeviceListStrategy.CDI_ANNOTATIONS.configName()).isEqualTo("cdi-annotations");
  }

  @Test
  void anUnknownStrategyNamesTheValueAndTheChoices() {
    assertThatThrownBy(() -> MigStrategy.parse("MIXED"))
        .hasMessage("mig strategy \"MIXED\" is not one of none, single, mixed");
    assertThatThrownBy(() -> DeviceListStrategy.parse("env"))
        .hasMessage(
            "device list strategy \"env\" is not one of envvar, volume-mounts, cdi-annotations,"
                + " cdi-cri");
  }

  @Test
  void defaultsAreNvidias() {
    DevicePluginConfig config = DevicePluginConfig.defaults();

    assertThat(config.pluginDir()).hasToString("/var/lib/kubelet/device-plugins");
    assertThat(config.migStrategy()).isEqualTo(MigStrategy.NONE);
    assertThat(config.deviceListStrategies()).containsExactly(DeviceListStrategy.ENVVAR);
    assertThat(config.passDeviceSpecs()).isFalse();
    assertThat(config.driverRoot()).hasToString("/");
    assertThat(config.resourceName("gpu")).isEqualTo("nvidia.com/gpu");
  }

  @Test
  void badValuesAreRefusedWithOneLineNamingThem() {
    DevicePluginConfig config = DevicePluginConfig.defaults();

    assertThatThrownBy(() -> config.withDeviceListStrategies(Set.of()))
        .hasMessage("deviceListStrategies must name at least one strategy");
    assertThatThrownBy(() -> config.withResourceNames("Nvidia_com", Map.of()))
        .hasMessage("resourcePrefix \"Nvidia_com\" is not a DNS domain like nvidia.com");
    assertThatThrownBy(() -> config.withResourceNames("nvidia.com", Map.of("gpu", "a/b")))
        .hasMessageStartingWith("resourceRenames: \"gpu\" -> \"a/b\" is not a resource name");
    assertThatThrownBy(() -> config.withDriverCapabilities(Optional.of("compute utility")))
        .hasMessageStartingWith("driverCapabilities \"compute utility\"");
    assertThatThrownBy(() -> config.withDriverRoot(Path.of("run/nvidia/driver")))
        .hasMessage("driverRoot \"run/nvidia/driver\" is not an absolute path");
  }
}

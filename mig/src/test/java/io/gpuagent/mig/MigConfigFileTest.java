package io.gpuagent.mig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MigConfigFileTest {

  @Test
  void theGpuOperatorsDefaultConfigLoadsUnchanged() {
    MigConfigFile file = MigFixtures.defaultConfig();

    assertThat(file.layouts())
        .hasSizeGreaterThan(70)
        .containsKeys("all-disabled", "all-1g.10gb", "all-balanced");
    MigConfigEntry h100 = file.layout("all-1g.10gb").get(0);
    assertThat(h100.selects(3, 0x233010DE)).isTrue();
    assertThat(h100.selects(3, 0x20B010DE)).isFalse();
    assertThat(h100.migDevices()).containsEntry("1g.10gb", 7);
    assertThat(file.layout("all-disabled").get(0).migEnabled()).isFalse();
  }

  @Test
  void devicesByIndexSelectOnlyThoseGpus() {
    MigConfigFile file =
        MigConfigFile.parse(
            "f.yaml",
            """
            version: v1
            mig-configs:
              custom:
                - devices: [0, 1]
                  mig-enabled: true
                  mig-devices: {"3g.40gb": 2}
                - devices: [2]
                  mig-enabled: false
            """);
    MigConfigEntry first = file.layout("custom").get(0);
    assertThat(first.selects(1, 0x20B210DE)).isTrue();
    assertThat(first.selects(2, 0x20B210DE)).isFalse();
  }

  @Test
  void anUnknownKeyNamesTheFileTheLayoutAndTheEntry() {
    assertThatThrownBy(
            () ->
                MigConfigFile.parse(
                    "f.yaml",
                    """
                    version: v1
                    mig-configs:
                      custom:
                        - devices: all
                          mig-enabled: true
                          mig-device: {"1g.10gb": 7}
                    """))
        .isInstanceOf(MigConfigException.class)
        .hasMessage(
            "f.yaml: mig-configs.custom[0]: unknown key 'mig-device' (known: devices,"
                + " device-filter, mig-enabled, mig-devices)");
  }

  @Test
  void wrongTypesAndBadProfileSyntaxAreUserMistakes() {
    assertThatThrownBy(() -> parseEntry("devices: all\n      mig-enabled: yes please"))
        .hasMessage("f.yaml: mig-configs.x[0]: mig-enabled must be true or false");
    assertThatThrownBy(
            () ->
                parseEntry(
                    "devices: all\n      mig-enabled: true\n      mig-devices: {\"1g10gb\": 7}"))
        .hasMessage(
            "f.yaml: mig-configs.x[0]: mig-devices: '1g10gb' is not a MIG profile like 1g.10gb or"
                + " 1g.10gb+me");
    assertThatThrownBy(
            () ->
                parseEntry(
                    "devices: all\n      mig-enabled: true\n      mig-devices: {\"1g.10gb\": seven}"))
        .hasMessageContaining("the count of 1g.10gb must be a whole number >= 0, got 'seven'");
    assertThatThrownBy(() -> parseEntry("devices: some\n      mig-enabled: true"))
        .hasMessageContaining("devices must be 'all' or a list of GPU indexes, got 'some'");
    assertThatThrownBy(
            () ->
                parseEntry("devices: all\n      device-filter: 233010DE\n      mig-enabled: false"))
        .hasMessageContaining("device-filter must be PCI device ids like \"0x233010DE\"");
    assertThatThrownBy(() -> MigConfigFile.parse("f.yaml", "version: v2\nmig-configs: {}"))
        .hasMessage("f.yaml: version must be v1, got 'v2'");
    assertThatThrownBy(() -> MigConfigFile.parse("f.yaml", "version: v1\nmig-configs: [\n"))
        .isInstanceOf(MigConfigException.class)
        .hasMessageStartingWith("f.yaml: not valid YAML:");
  }

  @Test
  void anUnknownLayoutNameListsTheKnownOnes() {
    assertThatThrownBy(() -> MigFixtures.defaultConfig().layout("all-1g.11gb"))
        .isInstanceOf(MigConfigException.class)
        .hasMessageStartingWith(
            MigFixtures.DEFAULT_CONFIG
                + ": no layout 'all-1g.11gb' in mig-configs (has: all-disabled,");
  }

  private static MigConfigFile parseEntry(String entry) {
    return MigConfigFile.parse("f.yaml", "version: v1\nmig-configs:\n  x:\n    - " + entry + "\n");
  }
}

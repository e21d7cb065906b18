package io.gpuagent.nvml.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.health.XidCatalog.XidClass;
import org.junit.jupiter.api.Test;

/** The XID table: NVIDIA's classes and descriptions, read from data. */
class XidCatalogTest {

  @Test
  void applicationXidsAreTheOnesNvidiasPluginIgnores() {
    assertThat(XidCatalog.applicationXids()).containsExactly(13, 31, 43, 45, 68, 109);
  }

  @Test
  void hardwareXidsAreCriticalOrNeedAReset() {
    assertThat(XidCatalog.classOf(79)).isEqualTo(XidClass.RESET_REQUIRED);
    assertThat(XidCatalog.classOf(95)).isEqualTo(XidClass.RESET_REQUIRED);
    assertThat(XidCatalog.classOf(64)).isEqualTo(XidClass.RESET_REQUIRED);
    assertThat(XidCatalog.classOf(94)).isEqualTo(XidClass.CRITICAL);
    assertThat(XidCatalog.classOf(74)).isEqualTo(XidClass.CRITICAL);
    assertThat(XidCatalog.classOf(13)).isEqualTo(XidClass.APPLICATION);
  }

  @Test
  void anUnlistedXidIsCriticalAndUnknown() {
    assertThat(XidCatalog.classOf(9999)).isEqualTo(XidClass.CRITICAL);
    assertThat(XidCatalog.describe(9999)).isEqualTo(XidCatalog.UNKNOWN);
    assertThat(XidCatalog.describe(-1)).isEqualTo(XidCatalog.UNKNOWN);
  }

  @Test
  void descriptionsAreDcgmExportersErrMsgWords() {
    assertThat(XidCatalog.describe(0)).isEqualTo("No Error");
    assertThat(XidCatalog.describe(79)).isEqualTo("GPU has fallen off the bus");
    assertThat(XidCatalog.describe(48)).isEqualTo("Double Bit ECC Error");
  }
}

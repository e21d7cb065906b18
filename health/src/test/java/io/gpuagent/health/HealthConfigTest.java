package io.gpuagent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.nvml.health.HealthReason;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthConfigTest {

  @Test
  void defaultsIgnoreTheApplicationXidsNvidiasPluginIgnores() {
    HealthConfig config = HealthConfig.defaults();

    assertThat(config.ignoredXids()).containsExactlyInAnyOrder(13, 31, 43, 45, 68, 109);
    assertThat(config.probeMode()).isEqualTo(ProbeMode.IDLE_ONLY);
    assertThat(config.passesToRecover()).isEqualTo(3);
    assertThat(config.stickyReasons()).isEmpty();
  }

  @Test
  void mistakesAreRefusedWithOneLineNamingTheKey() {
    HealthConfig config = HealthConfig.defaults();
    assertThatThrownBy(() -> config.withPassesToRecover(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("passesToRecover must be >= 1, got 0");
    assertThatThrownBy(() -> config.withProbeDeadline(Duration.ZERO))
        .hasMessage("probeDeadline must be positive, got PT0S");
    assertThatThrownBy(() -> config.withInterval(Duration.ofSeconds(-1)))
        .hasMessage("interval must be positive, got PT-1S");
    assertThatThrownBy(() -> config.withIgnoredXids(Set.of(-3)))
        .hasMessage("ignoredXids must be positive XIDs, got -3");
    assertThatThrownBy(() -> config.withMemoryTestMib(-1))
        .hasMessage("memoryTestMib must be >= 0, got -1");
  }

  @Test
  void wordsForModesAndReasonsReadBothWays() {
    for (ProbeMode mode : ProbeMode.values()) {
      assertThat(ProbeMode.fromWord(mode.word())).isEqualTo(mode);
    }
    assertThat(ProbeMode.IDLE_ONLY.word()).isEqualTo("idle-only");
    for (HealthReason reason : HealthReason.values()) {
      assertThat(HealthReason.fromLabel(reason.label())).isEqualTo(reason);
    }
    assertThat(HealthReason.fromLabel(" Row-Remap-Pending "))
        .isEqualTo(HealthReason.ROW_REMAP_PENDING);
    assertThatThrownBy(() -> ProbeMode.fromWord("sometimes"))
        .hasMessage("probe mode must be idle-only, always or never, got \"sometimes\"");
    assertThatThrownBy(() -> HealthReason.fromLabel("cosmic-ray"))
        .hasMessage(
            "unknown health reason \"cosmic-ray\"; known: xid, ecc-uncorrectable,"
                + " row-remap-failure, row-remap-pending, probe-failed, probe-hung, gpu-lost");
  }
}

package io.gpuagent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.config.ConfigException;
import io.gpuagent.config.ConfigValues;
import io.gpuagent.nvml.health.HealthReason;
import java.time.Duration;
import java.util.List;
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
    assertThat(ProbeMode.IDLE_ONLY.word()).isEqualTo("idle-only");
    for (HealthReason reason : HealthReason.values()) {
      assertThat(HealthReason.fromLabel(reason.label())).isEqualTo(reason);
    }
    assertThat(HealthReason.fromLabel(" Row-Remap-Pending "))
        .isEqualTo(HealthReason.ROW_REMAP_PENDING);
    assertThatThrownBy(() -> HealthReason.fromLabel("cosmic-ray"))
        .hasMessage(
            "unknown health reason \"cosmic-ray\"; known: xid, ecc-uncorrectable,"
                + " row-remap-failure, row-remap-pending, probe-failed, probe-hung, gpu-lost");
  }

  @Test
  void configuredValuesUseTheEnumsWords() {
    HealthConfig config =
        HealthConfig.from(
            ConfigValues.builder()
                .set(HealthConfig.PROBE_MODE, "Never", "config.yaml")
                .set(HealthConfig.STICKY_REASONS, List.of("row-remap-failure", "gpu-lost"), "f")
                .set(
                    HealthConfig.PROBE_INTERVAL,
                    "1m",
                    "environment GPU_AGENT_HEALTH_PROBE_INTERVAL")
                .build());

    assertThat(config.probeMode()).isEqualTo(ProbeMode.NEVER);
    assertThat(config.stickyReasons())
        .containsExactlyInAnyOrder(HealthReason.ROW_REMAP_FAILURE, HealthReason.GPU_LOST);
    assertThat(config.probeInterval()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void badConfiguredValuesAreRefusedWithOneLineNamingTheKey() {
    assertThatThrownBy(
            () -> ConfigValues.builder().set(HealthConfig.PROBE_MODE, "sometimes", "config.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "config.yaml: key 'health.probe.mode': value 'sometimes' must be one of idle-only,"
                + " always, never");
    assertThatThrownBy(
            () ->
                ConfigValues.builder()
                    .set(HealthConfig.STICKY_REASONS, "xid,cosmic-ray", "environment X"))
        .hasMessage(
            "environment X: key 'health.stickyReasons': value 'xid,cosmic-ray' must be one of xid,"
                + " ecc-uncorrectable, row-remap-failure, row-remap-pending, probe-failed,"
                + " probe-hung, gpu-lost");
    assertThatThrownBy(
            () -> ConfigValues.builder().set(HealthConfig.RECOVERY_PASSES, "0", "flag --x"))
        .hasMessage("flag --x: key 'health.recoveryPasses': value '0' must be between 1 and 100");
    assertThatThrownBy(() -> ConfigValues.builder().set(HealthConfig.INTERVAL, "50ms", "f"))
        .hasMessage("f: key 'health.interval': value '50ms' must be at least 100ms");
  }
}

package io.gpuagent.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.config.ConfigException;
import io.gpuagent.config.ConfigValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExporterConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsComeFromTheKeys() {
    assertThat(ExporterConfig.defaults().interval())
        .isEqualTo(ExporterConfig.INTERVAL.defaultValue().orElseThrow())
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aConfiguredIntervalAndCountersFileAreUsed() throws IOException {
    Path counters = dir.resolve("counters.csv");
    Files.writeString(counters, "DCGM_FI_DEV_GPU_TEMP, gauge, GPU temperature (in C).\n");

    ExporterConfig config =
        ExporterConfig.from(
            ConfigValues.builder()
                .set(ExporterConfig.INTERVAL, "250ms", "flag --x")
                .set(ExporterConfig.COUNTERS_FILE, counters.toString(), "f")
                .build());

    assertThat(config.interval()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.counters()).isNotEqualTo(ExporterConfig.defaults().counters());
  }

  @Test
  void anUnreadableCountersFileNamesKeyValueAndSource() {
    Path missing = dir.resolve("none.csv");
    ConfigValues values =
        ConfigValues.builder()
            .set(ExporterConfig.COUNTERS_FILE, missing.toString(), "/etc/gpu-agent.yaml")
            .build();

    assertThatThrownBy(() -> ExporterConfig.from(values))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "/etc/gpu-agent.yaml: key 'metrics.countersFile': value '"
                + missing
                + "' is a file that cannot be read");
  }

  @Test
  void anIntervalBelowTheMinimumNamesTheKey() {
    assertThatThrownBy(
            () -> ConfigValues.builder().set(ExporterConfig.INTERVAL, "10ms", "environment X"))
        .hasMessage("environment X: key 'metrics.interval': value '10ms' must be at least 100ms");
  }
}

package io.gpuagent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigSchemaTest {
  private static final ConfigKey<Integer> PORT =
      ConfigKey.of("http", "port", new ValueType.IntRange(0, 65535), 9400, "Port.");
  private static final ConfigKey<Duration> INTERVAL =
      ConfigKey.of(
          "metrics",
          "interval",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Duration.ofSeconds(5),
          "Interval.");
  private static final ConfigSchema SCHEMA =
      ConfigSchema.of(
          List.of(
              new ConfigSection("http", "HTTP", List.of(PORT)),
              new ConfigSection("metrics", "Metrics", List.of(INTERVAL))));

  @Test
  void keysAreFoundByPathAndEnvironmentNameAcrossSections() {
    assertThat(SCHEMA.byPath("metrics.interval")).contains(INTERVAL);
    assertThat(SCHEMA.byEnv("GPU_AGENT_HTTP_PORT")).contains(PORT);
    assertThat(SCHEMA.isSection("metrics")).isTrue();
    assertThat(SCHEMA.isSection("metrics.interval")).isFalse();
  }

  @Test
  void aKeyIsItsPathForEqualityAndASecondKeyOfThatPathIsRefused() {
    ConfigKey<Integer> samePath =
        ConfigKey.of("http", "port", new ValueType.IntRange(1, 2), 1, "Another description.");
    assertThat(samePath).isEqualTo(PORT).hasSameHashCodeAs(PORT);
    assertThat(INTERVAL).isNotEqualTo(PORT);
    assertThatThrownBy(
            () ->
                ConfigSchema.of(
                    List.of(new ConfigSection("http", "HTTP", List.of(PORT, samePath)))))
        .hasMessage("key http.port is declared twice");
  }

  @Test
  void aMisspeltKeyGetsTheClosestKeyOfAnySection() {
    assertThat(SCHEMA.suggestPath("metrics.intervall"))
        .isEqualTo(" (did you mean 'metrics.interval'?)");
    assertThat(SCHEMA.suggestEnv("GPU_AGENT_HTTP_PROT"))
        .isEqualTo(" (did you mean 'GPU_AGENT_HTTP_PORT'?)");
    assertThat(SCHEMA.suggestPath("something.else")).isEmpty();
  }

  @Test
  void aKeyDeclaredTwiceOrOutsideItsSectionIsAProgrammingError() {
    assertThatThrownBy(
            () ->
                ConfigSchema.of(
                    List.of(
                        new ConfigSection("http", "A", List.of(PORT)),
                        new ConfigSection("http", "B", List.of(PORT)))))
        .hasMessageContaining("declared twice");
    assertThatThrownBy(() -> new ConfigSection("health", "Health", List.of(PORT)))
        .hasMessageContaining("outside its section");
  }

  @Test
  void environmentNamesFollowKeyPaths() {
    assertThat(INTERVAL.envName()).isEqualTo("GPU_AGENT_METRICS_INTERVAL");
    assertThat(
            ConfigKey.of("devicePlugin", "migStrategy", new ValueType.Flag(), true, "x").envName())
        .isEqualTo("GPU_AGENT_DEVICE_PLUGIN_MIG_STRATEGY");
  }

  @Test
  void valuesNameTheirSourceWhenAModuleRefusesThem() {
    ConfigValues values = ConfigValues.builder().set(PORT, "8080", "flag --port").build();

    assertThat(values.get(PORT)).isEqualTo(8080);
    assertThat(values.get(INTERVAL)).isEqualTo(Duration.ofSeconds(5));
    assertThat(values.invalid(PORT, "is taken"))
        .hasMessage("flag --port: key 'http.port': value '8080' is taken");
    assertThat(values.invalid(INTERVAL, "is too slow"))
        .hasMessage("key 'metrics.interval': value '5s' is too slow");
    assertThatThrownBy(() -> ConfigValues.builder().set(PORT, "x", "/etc/a.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("/etc/a.yaml: key 'http.port': value 'x' must be a whole number");
  }

  @Test
  void docsRowsComeFromTheKeys() {
    String table =
        ConfigDocs.table(
            new ConfigSection("metrics", "Metrics", List.of(INTERVAL)), key -> "`--interval`");

    assertThat(table)
        .contains("### Metrics (`metrics.`)")
        .contains(
            "| `metrics.interval` | `GPU_AGENT_METRICS_INTERVAL` | `--interval` | duration ≥ 100ms"
                + " | `5s` | Interval. |");
  }
}

package io.gpuagent.exporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenderingTest {
  private static final String PROMETHEUS_ACCEPT =
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
          + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  @Test
  void scrapesOfOneSampleShareTheRenderedBytes() {
    try (SimulatedExporter sim = new SimulatedExporter("h100x8")) {
      sim.sampleTwice(5);

      RenderedMetrics first = sim.exporter.render(null);
      assertThat(sim.exporter.render("text/plain")).isSameAs(first);
      assertThat(sim.exporter.render(PROMETHEUS_ACCEPT))
          .isSameAs(sim.exporter.render(PROMETHEUS_ACCEPT));

      sim.exporter.sampleNow();
      assertThat(sim.exporter.render(null)).isNotSameAs(first);
    }
  }

  @Test
  void acceptHeaderChoosesTheFormat() {
    try (SimulatedExporter sim = new SimulatedExporter("h100x8")) {
      sim.sampleTwice(5);

      assertThat(sim.exporter.render(null).contentType())
          .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
      assertThat(sim.exporter.render("*/*").contentType()).startsWith("text/plain; version=0.0.4");
      assertThat(sim.exporter.render("application/vnd.google.protobuf").contentType())
          .startsWith("text/plain; version=0.0.4");
      assertThat(sim.exporter.render(PROMETHEUS_ACCEPT).contentType())
          .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
    }
  }

  @Test
  void beforeTheFirstSampleTheAnswerIsEmptyButValid() {
    try (SimulatedExporter sim = new SimulatedExporter("h100x8")) {
      assertThat(sim.exporter.render(null).body()).isEmpty();
      assertThat(new String(sim.exporter.render(PROMETHEUS_ACCEPT).body(), StandardCharsets.UTF_8))
          .isEqualTo("# EOF\n");
    }
  }

  @Test
  void noSampleIsTakenBeforeTheFirstInventory() {
    try (SimulatedExporter sim = new SimulatedExporter("h100x8")) {
      sim.inventory.set(null);
      sim.exporter.sampleNow();
      assertThat(sim.exporter.render(null).body()).isEmpty();

      sim.refreshInventory();
      sim.exporter.sampleNow();
      assertThat(Exposition.parse(sim.text()).named("DCGM_FI_DEV_GPU_TEMP")).hasSize(8);
    }
  }

  @Test
  void startedExporterSamplesOnItsNamedThreadAndStopsPromptly() {
    ExporterConfig config = ExporterConfig.withInterval(Duration.ofMillis(100));
    SimulatedExporter sim = new SimulatedExporter("pcie-mixed", config, DeviceHealthSource.NONE);
    try {
      sim.exporter.start();
      assertThatThrownBy(sim.exporter::start).isInstanceOf(IllegalStateException.class);
      Await.until("three scheduled samples", Duration.ofSeconds(10), () -> samples(sim) >= 3);
      assertThat(threadAlive("gpu-agent-exporter-sampler")).isTrue();
      Exposition metrics = Exposition.parse(sim.text());
      for (String family :
          List.of(
              "jvm_memory_used_bytes",
              "jvm_threads_current",
              "jvm_classes_currently_loaded",
              "jvm_buffer_pool_used_bytes",
              "jvm_runtime_info",
              "process_cpu_seconds_total",
              "process_resident_memory_bytes")) {
        assertThat(metrics.named(family)).as("JVM metrics on by default: %s", family).isNotEmpty();
      }
    } finally {
      Await.returns("close", sim::close);
    }
    Await.until(
        "sampler gone", Duration.ofSeconds(2), () -> !threadAlive("gpu-agent-exporter-sampler"));
  }

  @Test
  void intervalBelowTheMinimumIsRefusedWithTheKeyName() {
    assertThatThrownBy(() -> ExporterConfig.withInterval(Duration.ofMillis(50)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key 'metrics.interval': value '50ms' must be at least 100ms");
    assertThat(ExporterConfig.defaults().deviceTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(ExporterConfig.withInterval(Duration.ofMillis(500)).deviceTimeout())
        .isEqualTo(Duration.ofMillis(400));
  }

  private static double samples(SimulatedExporter sim) {
    String text = sim.text();
    if (text.isEmpty()) {
      return 0;
    }
    return Exposition.parse(text).one("gpu_agent_exporter_samples_total").value();
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(thread -> thread.getName().equals(name) && thread.isAlive());
  }
}

package io.gpuagent.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.podresources.ContainerRef;
import io.gpuagent.podresources.PodAssignments;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exposition byte for byte, for a fixed seed and a manual clock: 600 s after the node starts,
 * sampled twice 5 s apart (so rates exist), with one pod owning GPU (or MIG device) 0, two pods
 * sharing GPU 1 through memory slices, and GPU 2 reported unhealthy.
 *
 * <p>To accept a deliberate change: run the test, check the diff, then {@code cp
 * exporter/target/golden-actual/* exporter/src/test/resources/golden/}.
 */
class GoldenExpositionTest {
  private static final Path ACTUAL = Path.of("target", "golden-actual");

  @ParameterizedTest
  @ValueSource(strings = {"h100x8", "a100-mig"})
  void prometheusTextMatchesTheGoldenFile(String profile) throws IOException {
    try (SimulatedExporter sim = scenario(profile)) {
      assertGolden(profile + ".prom", sim.text());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h100x8", "a100-mig"})
  void openMetricsMatchesTheGoldenFile(String profile) throws IOException {
    try (SimulatedExporter sim = scenario(profile)) {
      assertGolden(profile + ".om", sim.openMetrics());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h100x8", "a100-mig", "pcie-mixed"})
  void bothFormatsParseWithTheSameSeries(String profile) {
    try (SimulatedExporter sim = scenario(profile)) {
      Exposition text = Exposition.parse(sim.text());
      Exposition openMetrics = Exposition.parse(sim.openMetrics());
      assertThat(text.samples()).hasSizeGreaterThan(100);
      assertThat(openMetrics.samples()).hasSameSizeAs(text.samples());
      assertThat(sim.openMetrics()).endsWith("# EOF\n");
      // dcgm-exporter's counters keep their names in both formats, typed counter in the text.
      assertThat(text.types()).containsEntry("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter");
      assertThat(openMetrics.types())
          .containsEntry("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "unknown");
      assertThat(text.named("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")).isNotEmpty();
      assertThat(openMetrics.named("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")).isNotEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h100x8", "a100-mig", "pcie-mixed"})
  void promtoolAcceptsTheText(String profile) throws Exception {
    Promtool.assumeInstalled();
    try (SimulatedExporter sim = scenario(profile)) {
      Promtool.checkMetrics(sim.text());
    }
  }

  static SimulatedExporter scenario(String profile) {
    Map<String, HealthState> health = new HashMap<>();
    SimulatedExporter sim =
        new SimulatedExporter(
            profile, ExporterConfig.defaults().withJvmMetrics(false), () -> Map.copyOf(health));
    List<Gpu> gpus = sim.inventory.get().gpus();
    Gpu first = gpus.get(0);
    String ownedDevice = first.migEnabled() ? first.migDevices().get(0).uuid() : first.uuid();
    String gpu1 = gpus.get(1).uuid();
    sim.pods.set(
        new PodAssignments(
            Map.of(
                ownedDevice,
                List.of(new ContainerRef("ml", "trainer-0", "main")),
                gpu1 + "::0",
                List.of(new ContainerRef("ml", "notebook-a", "jupyter")),
                gpu1 + "::1",
                List.of(new ContainerRef("ml", "notebook-a", "jupyter")),
                gpu1 + "::2",
                List.of(new ContainerRef("web", "embedder-7", "server"))),
            SimulatedExporter.START));
    sim.node.inject(ownedDevice, new SimFault.Process(4242, 4L << 30, 80));
    health.put(
        gpus.get(2).uuid(),
        new HealthState.Unhealthy(HealthReason.XID, "xid=79", sim.clock.instant()));
    health.put(first.uuid(), new HealthState.Healthy(sim.clock.instant()));
    sim.clock.advance(Duration.ofSeconds(600));
    sim.sampleTwice(5);
    return sim;
  }

  private static void assertGolden(String name, String actual) throws IOException {
    String expected;
    try (InputStream in = GoldenExpositionTest.class.getResourceAsStream("/golden/" + name)) {
      expected = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!expected.equals(actual)) {
      Files.createDirectories(ACTUAL);
      Files.writeString(ACTUAL.resolve(name), actual, StandardCharsets.UTF_8);
    }
    assertThat(actual)
        .as(
            "exposition differs from src/test/resources/golden/%s; the actual output is in "
                + "exporter/target/golden-actual/%s (copy it over to accept a deliberate change)",
            name, name)
        .isEqualTo(expected);
  }
}

package io.gpuagent.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpuagent.nvml.sim.SimFault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * grafana/: the alert rules pass promtool's checks and unit tests, and the dashboard and the rules
 * query only metrics the exporter writes (so a rename cannot silently empty a panel).
 */
class GrafanaFilesTest {
  private static final Path GRAFANA = Path.of("..", "grafana");
  private static final Pattern METRIC =
      Pattern.compile("\\b(DCGM_FI_[A-Z0-9_]+|gpu_agent_[a-z0-9_]+|jvm_[a-z0-9_]+)\\b");
  private static final Pattern ALERT_EXPR = Pattern.compile("^\\s*expr: (.+)$", Pattern.MULTILINE);

  @Test
  void alertRulesAreValid() throws Exception {
    Promtool.assumeInstalled();
    assertThat(promtool("check", "rules", "alerts.yaml")).contains("SUCCESS");
  }

  @Test
  void alertRulesPassTheirUnitTests() throws Exception {
    Promtool.assumeInstalled();
    assertThat(promtool("test", "rules", "alerts-test.yaml")).contains("SUCCESS");
  }

  @Test
  void dashboardIsJsonWithATargetOnEveryPanel() throws IOException {
    JsonNode dashboard =
        new ObjectMapper().readTree(GRAFANA.resolve("gpu-agent-dashboard.json").toFile());

    assertThat(dashboard.path("uid").asText()).isEqualTo("gpu-agent-gpus");
    for (JsonNode panel : dashboard.path("panels")) {
      if (!panel.path("type").asText().equals("row")) {
        assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
      }
    }
  }

  @Test
  void dashboardAndAlertsQueryOnlyMetricsTheExporterWrites() throws IOException {
    Set<String> queried = new TreeSet<>();
    JsonNode dashboard =
        new ObjectMapper().readTree(GRAFANA.resolve("gpu-agent-dashboard.json").toFile());
    dashboard.findValues("expr").forEach(expr -> queried.addAll(metricsIn(expr.asText())));
    dashboard.findValues("definition").forEach(query -> queried.addAll(metricsIn(query.asText())));
    Matcher alerts = ALERT_EXPR.matcher(Files.readString(GRAFANA.resolve("alerts.yaml")));
    while (alerts.find()) {
      queried.addAll(metricsIn(alerts.group(1)));
    }

    assertThat(queried).hasSizeGreaterThan(25).isSubsetOf(writtenMetrics());
  }

  /** Every sample name the exporter writes in the golden scenario, with JVM metrics and faults. */
  private static Set<String> writtenMetrics() {
    Set<String> names = new TreeSet<>();
    try (SimulatedExporter sim = GoldenExpositionTest.scenario("h100x8")) {
      Exposition.parse(sim.text()).samples().forEach(s -> names.add(s.name()));
    }
    ExporterConfig withFaults =
        ExporterConfig.withInterval(Duration.ofSeconds(1))
            .withDeviceTimeout(Duration.ofMillis(200));
    try (SimulatedExporter sim =
        new SimulatedExporter("h100x8", withFaults, DeviceHealthSource.NONE)) {
      sim.node.inject(sim.inventory.get().gpus().get(0).uuid(), new SimFault.Lost());
      sim.node.inject(
          sim.inventory.get().gpus().get(1).uuid(), new SimFault.Latency(Duration.ofSeconds(1)));
      sim.exporter.sampleNow();
      Exposition.parse(sim.text()).samples().forEach(s -> names.add(s.name()));
    }
    return names;
  }

  private static List<String> metricsIn(String query) {
    List<String> names = new ArrayList<>();
    Matcher matcher = METRIC.matcher(query);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  private static String promtool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(GRAFANA.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
    return output;
  }
}

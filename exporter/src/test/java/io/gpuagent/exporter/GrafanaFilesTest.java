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
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * grafana/: the alert rules pass promtool's checks and unit tests, and the dashboards, the rules
 * and the prometheus-adapter rules query only metrics the agent writes (so a rename cannot silently
 * empty a panel), or ones listed as pending in grafana/pending-metrics.txt.
 */
class GrafanaFilesTest {
  private static final Path GRAFANA = Path.of("..", "grafana");
  private static final Pattern METRIC =
      Pattern.compile("\\b(DCGM_FI_[A-Z0-9_]+|gpu_agent_[a-z0-9_]+|jvm_[a-z0-9_]+)\\b");

  /**
   * Registered by the health module and the agent on the exporter's registry, so not in the
   * exporter's own exposition; agent's DashboardQueriesTest sees them from a running agent.
   */
  private static final Set<String> WRITTEN_BY_HEALTH_AND_AGENT =
      Set.of(
          "gpu_agent_health_transitions_total",
          "gpu_agent_xid_ignored_total",
          "gpu_agent_ecc_double_bit_events_total",
          "gpu_agent_probe_result",
          "gpu_agent_probe_duration_seconds",
          "gpu_agent_device_plugin_registered",
          "gpu_agent_device_plugin_devices",
          "gpu_agent_device_plugin_problems",
          "gpu_agent_mig_config_state",
          "gpu_agent_mig_apply_duration_seconds",
          "gpu_agent_mig_gpu_outcome",
          // written by the exporter only for pods on shared GPUs (agent's DashboardQueriesTest)
          "gpu_agent_pod_gpu_memory_quota_bytes",
          "gpu_agent_pod_gpu_quota_violations_total");

  private static final Pattern ALERT_NAME =
      Pattern.compile("^\\s*- alert: (\\w+)$", Pattern.MULTILINE);
  private static final Pattern QUIET_CASE =
      Pattern.compile("alertname: (\\w+)\\s+exp_alerts: \\[]");
  private static final Pattern FIRING_CASE =
      Pattern.compile("alertname: (\\w+)\\s+exp_alerts:\\s*\\n\\s+- exp_labels");
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
  void everyAlertHasAFiringAndAQuietUnitTest() throws IOException {
    Set<String> alerts = new TreeSet<>();
    Matcher names = ALERT_NAME.matcher(Files.readString(GRAFANA.resolve("alerts.yaml")));
    while (names.find()) {
      alerts.add(names.group(1));
    }
    String tests = Files.readString(GRAFANA.resolve("alerts-test.yaml"));
    Set<String> quiet = new TreeSet<>();
    Matcher quietCases = QUIET_CASE.matcher(tests);
    while (quietCases.find()) {
      quiet.add(quietCases.group(1));
    }
    Set<String> firing = new TreeSet<>();
    Matcher firingCases = FIRING_CASE.matcher(tests);
    while (firingCases.find()) {
      firing.add(firingCases.group(1));
    }

    assertThat(alerts).hasSizeGreaterThanOrEqualTo(15);
    assertThat(quiet).as("alerts with a case where they stay quiet").containsAll(alerts);
    assertThat(firing).as("alerts with a case where they fire").containsAll(alerts);
  }

  @Test
  void everyDashboardHasTheDatasourceAndNodeVariablesAndATargetOnEveryPanel() throws IOException {
    Set<String> uids = new TreeSet<>();
    for (Path file : dashboards()) {
      JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
      String name = file.getFileName().toString();
      uids.add(dashboard.path("uid").asText());
      JsonNode variables = dashboard.path("templating").path("list");
      assertThat(variables.findValuesAsText("name")).as(name).contains("datasource", "node");
      assertThat(variables.get(0).path("type").asText()).as(name).isEqualTo("datasource");
      assertThat(variables.get(0).path("query").asText()).as(name).isEqualTo("prometheus");
      for (JsonNode panel : dashboard.path("panels")) {
        if (!panel.path("type").asText().equals("row")) {
          String title = name + ": " + panel.path("title").asText();
          assertThat(panel.path("targets").size()).as(title).isPositive();
          assertThat(panel.path("datasource").path("uid").asText())
              .as(title)
              .isEqualTo("${datasource}");
        }
      }
    }
    assertThat(uids).hasSize(dashboards().size()).contains("gpu-agent-gpus");
  }

  @Test
  void dashboardsAlertsAndAdapterRulesQueryOnlyMetricsTheAgentWrites() throws IOException {
    Set<String> queried = new TreeSet<>();
    for (Path file : dashboards()) {
      JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
      dashboard.findValues("expr").forEach(expr -> queried.addAll(metricsIn(expr.asText())));
      dashboard
          .findValues("definition")
          .forEach(query -> queried.addAll(metricsIn(query.asText())));
    }
    Matcher alerts = ALERT_EXPR.matcher(Files.readString(GRAFANA.resolve("alerts.yaml")));
    while (alerts.find()) {
      queried.addAll(metricsIn(alerts.group(1)));
    }
    queried.addAll(metricsIn(Files.readString(GRAFANA.resolve("prometheus-adapter.yaml"))));
    Set<String> written = writtenMetrics();
    Set<String> pending = pendingMetrics();

    assertThat(pending)
        .as("metrics in grafana/pending-metrics.txt that are written now: delete them there")
        .doesNotContainAnyElementsOf(written)
        .isSubsetOf(queried);
    Set<String> known = new TreeSet<>(written);
    known.addAll(WRITTEN_BY_HEALTH_AND_AGENT);
    known.addAll(pending);
    assertThat(queried).hasSizeGreaterThan(40).isSubsetOf(known);
  }

  /** Dashboards in grafana/, each a Grafana JSON model. */
  static List<Path> dashboards() throws IOException {
    try (Stream<Path> files = Files.list(GRAFANA)) {
      return files.filter(file -> file.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** grafana/pending-metrics.txt: metrics queried before the issue that writes them lands. */
  static Set<String> pendingMetrics() throws IOException {
    return Files.readAllLines(GRAFANA.resolve("pending-metrics.txt")).stream()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .collect(Collectors.toCollection(TreeSet::new));
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

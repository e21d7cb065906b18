package io.gpuagent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/** The chart's PrometheusRule is grafana/alerts.yaml, the rules promtool tests, rule for rule. */
class PrometheusRuleTest {
  private static final Path ALERTS = Path.of("..", "grafana", "alerts.yaml");

  @TempDir Path scratch;

  @Test
  void theChartReadsTheAlertRulesOfGrafanaThroughALink() throws IOException {
    Path link = Chart.DIR.resolve("files/alerts.yaml");

    assertThat(Files.isSymbolicLink(link)).as("%s is a link", link).isTrue();
    assertThat(link.toRealPath()).isEqualTo(ALERTS.toRealPath());
  }

  @Test
  void theRuleGroupsAreThoseOfGrafanaAlerts() throws IOException {
    PrometheusRule rule = Toggle.PROMETHEUS_RULE.render(scratch).all(PrometheusRule.class).get(0);
    Map<String, Object> alerts = new Yaml().load(Files.readString(ALERTS));

    Object rendered =
        JsonMapper.builder().build().convertValue(rule.getSpec(), Map.class).get("groups");
    assertThat(rendered).isEqualTo(alerts.get("groups"));
    assertThat((List<?>) alerts.get("groups")).isNotEmpty();
  }
}

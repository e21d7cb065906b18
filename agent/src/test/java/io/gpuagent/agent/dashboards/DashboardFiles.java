package io.gpuagent.agent.dashboards;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The queries in grafana/: every panel target and template variable of every dashboard, with
 * Grafana's variables replaced by values, and the metrics still pending in
 * grafana/pending-metrics.txt.
 */
final class DashboardFiles {
  static final Path GRAFANA = Path.of("..", "grafana");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");

  /** One query of a dashboard: a panel's target or a template variable's definition. */
  record Query(String where, String expr) {
    boolean uses(Set<String> metrics) {
      return metrics.stream()
          .anyMatch(metric -> Pattern.compile("\\b" + metric + "\\b").matcher(expr).find());
    }
  }

  private DashboardFiles() {}

  static List<Path> dashboards() {
    try (Stream<Path> files = Files.list(GRAFANA)) {
      return files.filter(file -> file.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every target of every panel (rows' nested panels included). */
  static List<Query> panelTargets() {
    List<Query> queries = new ArrayList<>();
    for (Path file : dashboards()) {
      JsonObject dashboard = read(file);
      collect(file.getFileName() + ": ", dashboard.getJsonArray("panels"), queries);
    }
    return queries;
  }

  private static void collect(String prefix, JsonArray panels, List<Query> queries) {
    for (int i = 0; i < panels.size(); i++) {
      JsonObject panel = panels.getJsonObject(i);
      JsonArray targets = panel.getJsonArray("targets", new JsonArray());
      for (int t = 0; t < targets.size(); t++) {
        queries.add(
            new Query(
                prefix
                    + panel.getString("title")
                    + " ["
                    + targets.getJsonObject(t).getString("refId")
                    + "]",
                targets.getJsonObject(t).getString("expr")));
      }
      collect(prefix, panel.getJsonArray("panels", new JsonArray()), queries);
    }
  }

  /** The query variables of every dashboard, as {@code label_values(...)} definitions. */
  static List<Query> variables() {
    List<Query> queries = new ArrayList<>();
    for (Path file : dashboards()) {
      JsonArray list = read(file).getJsonObject("templating").getJsonArray("list");
      for (int i = 0; i < list.size(); i++) {
        JsonObject variable = list.getJsonObject(i);
        if ("query".equals(variable.getString("type"))) {
          queries.add(
              new Query(
                  file.getFileName() + ": $" + variable.getString("name"),
                  variable.getString("definition")));
        }
      }
    }
    return queries;
  }

  /** {@code expr} with every {@code $name} or {@code ${name}} replaced by its value. */
  static String substitute(String expr, Map<String, String> values) {
    Matcher matcher = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (value == null) {
        throw new AssertionError("no value for $" + matcher.group(1) + " in " + expr);
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return matcher.appendTail(out).toString();
  }

  /** grafana/pending-metrics.txt: metrics queried before the issue that writes them lands. */
  static Set<String> pendingMetrics() {
    try {
      return Files.readAllLines(GRAFANA.resolve("pending-metrics.txt")).stream()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject read(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

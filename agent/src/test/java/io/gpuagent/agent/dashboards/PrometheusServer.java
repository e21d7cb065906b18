package io.gpuagent.agent.dashboards;

import io.gpuagent.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Prometheus (Debian package {@code prometheus}, 2.42) on a free loopback port, with a
 * temporary configuration and TSDB, scraping the given targets every second. Tests that need it are
 * skipped, saying why, where the binary is missing. {@link #close()} kills it and deletes its
 * files; a shutdown hook does the same if the test JVM dies first.
 */
final class PrometheusServer implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/prometheus");

  private final HttpClient http = HttpClient.newHttpClient();
  private final Path dir;
  private final Process process;
  private final Thread killer;
  private final String base;

  private PrometheusServer(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.base = "http://127.0.0.1:" + port;
    this.killer = new Thread(process::destroyForcibly, "prometheus-killer");
    Runtime.getRuntime().addShutdownHook(killer);
  }

  static void assumeInstalled() {
    boolean installed = Files.isExecutable(BINARY);
    if (!installed) {
      System.err.println(
          "SKIPPED: "
              + BINARY
              + " is missing (apt-get install prometheus): dashboard queries"
              + " are not checked against a real Prometheus");
    }
    Assumptions.assumeTrue(installed, BINARY + " is missing (apt-get install prometheus)");
  }

  /** Starts Prometheus scraping {@code targets} (host:port) as job gpu-agent, with rule files. */
  static PrometheusServer start(List<String> targets, List<Path> ruleFiles) throws IOException {
    assumeInstalled();
    Path dir = Files.createTempDirectory("prometheus");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String config =
        String.join(
            "\n",
            "global:",
            "  scrape_interval: 1s",
            "  scrape_timeout: 1s",
            "  evaluation_interval: 1s",
            "rule_files: ["
                + ruleFiles.stream()
                    .map(file -> "'" + file.toAbsolutePath().normalize() + "'")
                    .collect(Collectors.joining(", "))
                + "]",
            "scrape_configs:",
            "  - job_name: gpu-agent",
            "    static_configs:",
            "      - targets: ["
                + targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "))
                + "]",
            "");
    Files.writeString(dir.resolve("prometheus.yml"), config);
    Process process =
        new ProcessBuilder(
                BINARY.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    PrometheusServer server = new PrometheusServer(dir, process, port);
    try {
      Await.until(
          "Prometheus ready on port " + port,
          Duration.ofSeconds(20),
          () -> {
            if (!process.isAlive()) {
              throw new AssertionError("Prometheus exited:\n" + server.log());
            }
            return server.status("/-/ready") == 200;
          });
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** An instant query's result (a vector's series, or a one-element list for a scalar). */
  JsonArray query(String promql) {
    JsonObject data = get("/api/v1/query?query=" + encode(promql)).getJsonObject("data");
    Object result = data.getValue("result");
    return result instanceof JsonArray vector ? vector : new JsonArray().add(result);
  }

  /** The label sets of the series {@code selector} matches. */
  JsonArray series(String selector) {
    return get("/api/v1/series?match[]=" + encode(selector)).getJsonArray("data");
  }

  /** What Grafana's {@code label_values(selector, label)} lists. */
  JsonArray labelValues(String label, String selector) {
    return get("/api/v1/label/" + label + "/values?match[]=" + encode(selector))
        .getJsonArray("data");
  }

  /** Every rule group of the loaded rule files, as /api/v1/rules gives them. */
  JsonArray ruleGroups() {
    return get("/api/v1/rules").getJsonObject("data").getJsonArray("groups");
  }

  private JsonObject get(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonObject body = new JsonObject(response.body());
      if (!"success".equals(body.getString("status"))) {
        throw new AssertionError("Prometheus " + path + ": " + response.body());
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private int status(String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(base + path)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String log() {
    try {
      return Files.readString(dir.resolve("prometheus.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("Prometheus did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Runtime.getRuntime().removeShutdownHook(killer);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

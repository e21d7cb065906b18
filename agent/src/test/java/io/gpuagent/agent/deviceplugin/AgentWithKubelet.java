package io.gpuagent.agent.deviceplugin;

import io.gpuagent.agent.Agent;
import io.gpuagent.agent.TestConfigs;
import io.gpuagent.deviceplugin.FakeKubelet;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The whole agent in-process on a simulated node with its device plugin on, and a fake kubelet on a
 * real {@code kubelet.sock} in a short directory under /tmp (a Unix socket path holds 107 bytes);
 * HTTP calls go to the agent's real port. Closes the agent, the kubelet and the directory.
 */
final class AgentWithKubelet implements AutoCloseable {
  final Path dir;
  final FakeKubelet kubelet;
  final SimulatedNode node;
  final Agent agent;
  private final HttpClient http = HttpClient.newHttpClient();

  private AgentWithKubelet(Path dir, FakeKubelet kubelet, SimulatedNode node, Agent agent) {
    this.dir = dir;
    this.kubelet = kubelet;
    this.node = node;
    this.agent = agent;
  }

  /** The kubelet is up before the agent starts, as on a node where the agent's pod is scheduled. */
  static AgentWithKubelet start(String profile, String migStrategy) {
    return start(profile, migStrategy, Map.of());
  }

  /** As {@link #start(String, String)}, with more {@code GPU_AGENT_…} settings (they win). */
  static AgentWithKubelet start(String profile, String migStrategy, Map<String, String> settings) {
    Path dir = temporaryDirectory();
    FakeKubelet kubelet = FakeKubelet.start(dir);
    try {
      Map<String, String> env = new HashMap<>();
      env.put("GPU_AGENT_DEVICE_PLUGIN_ENABLED", "true");
      env.put("GPU_AGENT_DEVICE_PLUGIN_DIR", dir.toString());
      env.put("GPU_AGENT_DEVICE_PLUGIN_MIG_STRATEGY", migStrategy);
      env.put("GPU_AGENT_METRICS_INTERVAL", "200ms");
      // Recovery needs passing probes (health.recoveryPasses, 3): probe often in tests.
      env.put("GPU_AGENT_HEALTH_INTERVAL", "100ms");
      env.put("GPU_AGENT_HEALTH_PROBE_INTERVAL", "100ms");
      // A GPU that answers again is noticed by the periodic hardware check.
      env.put("GPU_AGENT_INVENTORY_INTERVAL", "200ms");
      env.putAll(settings);
      SimulatedNode node =
          SimulatedNode.load(profile, new SimOptions("test-node", 1, Clock.systemUTC()));
      Agent agent = Agent.start(TestConfigs.simulated(profile, env), node, Optional.of(node));
      return new AgentWithKubelet(dir, kubelet, node, agent);
    } catch (RuntimeException e) {
      kubelet.close();
      deleteRecursively(dir);
      throw e;
    }
  }

  HttpResponse<String> get(String path) {
    return send("GET", path, "");
  }

  HttpResponse<String> send(String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .header("content-type", "application/json")
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + method + " " + path, e);
    }
  }

  /** The body of {@code GET /api/v1/devices}. */
  JsonObject devices() {
    return new JsonObject(get("/api/v1/devices").body());
  }

  /** {@code devicePlugin} of {@code /api/v1/devices}: resources and problems. */
  JsonObject devicePlugin() {
    return devices().getJsonObject("devicePlugin");
  }

  /** The first line of {@code /metrics} that starts with {@code series}, or "". */
  String metricLine(String series) {
    return get("/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith(series))
        .findFirst()
        .orElse("");
  }

  @Override
  public void close() {
    try {
      agent.close();
    } finally {
      kubelet.close();
      deleteRecursively(dir);
    }
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory(Path.of("/tmp"), "dp");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

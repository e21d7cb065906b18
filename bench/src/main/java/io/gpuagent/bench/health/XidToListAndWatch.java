package io.gpuagent.bench.health;

import io.gpuagent.agent.Agent;
import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.agent.config.ConfigLoader;
import io.gpuagent.agent.config.ConfigLoader.FlagValue;
import io.gpuagent.agent.config.HttpConfig;
import io.gpuagent.agent.logging.LogFormat;
import io.gpuagent.agent.logging.LogLevel;
import io.gpuagent.agent.logging.LogSetup;
import io.gpuagent.bench.LoadAverage;
import io.gpuagent.bench.deviceplugin.KubeletStub;
import io.gpuagent.deviceplugin.DevicePluginService;
import io.gpuagent.deviceplugin.v1beta1.RegisterRequest;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How fast a GPU that throws an XID leaves scheduling: the time from injecting XID 79 into a
 * simulated h100x8 node to the moment a stub kubelet's open ListAndWatch stream on the {@code
 * nvidia.com/gpu} socket shows that GPU Unhealthy. The whole agent runs in this JVM (event pump,
 * health module, its verdict, device plugin, gRPC over a real Unix socket); probes are off, so the
 * GPU stays Unhealthy until the simulator's reset route ({@code POST
 * /api/v1/sim/gpus/<uuid>/reset}) resets it and tells the health module, which makes it Healthy
 * again. Each round uses the next GPU and starts only once the previous GPU is Healthy on the
 * stream. A second row times that reset (HTTP, inventory rebuild, health, stream).
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -cp bench/target/benchmarks.jar io.gpuagent.bench.health.XidToListAndWatch \
 *     [samples, default 200] [warm-up rounds, default 20]
 * </pre>
 */
public final class XidToListAndWatch {
  private static final int DEFAULT_SAMPLES = 200;
  private static final int DEFAULT_WARMUP = 20;
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);
  private static final String PROFILE = "h100x8";
  private static final String RESOURCE = "nvidia.com/gpu";

  private XidToListAndWatch() {}

  /**
   * @throws IllegalArgumentException for a wrong argument (the message says which)
   */
  public static void main(String[] args) throws Exception {
    int samples = BenchArguments.intAt(args, 0, "samples", DEFAULT_SAMPLES, 1, 100_000);
    int warmup = BenchArguments.intAt(args, 1, "warm-up rounds", DEFAULT_WARMUP, 0, 10_000);
    LogSetup.apply(LogFormat.TEXT, LogLevel.WARN);
    System.out.printf(
        "XID -> ListAndWatch: agent in-process on %s, probe mode never, %d samples after %d"
            + " warm-up rounds; %d CPUs, load average %s%n",
        PROFILE, samples, warmup, Runtime.getRuntime().availableProcessors(), LoadAverage.now());
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "x2l");
    try {
      Rounds rounds = measure(dir, samples, warmup);
      System.out.println("| step | samples | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) |");
      System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
      System.out.println(rounds.xidToUnhealthy().row("XID 79 -> Unhealthy on ListAndWatch"));
      System.out.println(rounds.resetToHealthy().row("reset (HTTP) -> Healthy on ListAndWatch"));
      System.out.println("load average after: " + LoadAverage.now());
    } finally {
      deleteDirectory(dir);
    }
  }

  /** Both latencies of every measured round. */
  private record Rounds(LatencySamples xidToUnhealthy, LatencySamples resetToHealthy) {}

  private static Rounds measure(Path dir, int samples, int warmup) throws Exception {
    SimulatedNode node = SimulatedNode.load(PROFILE, new SimOptions("bench", 1, Clock.systemUTC()));
    LatencySamples unhealthy = new LatencySamples(samples);
    LatencySamples healthy = new LatencySamples(samples);
    HttpClient http = HttpClient.newHttpClient();
    try (KubeletStub kubelet = new KubeletStub(dir.resolve(DevicePluginService.KUBELET_SOCKET));
        Agent agent = Agent.start(config(dir), node, Optional.of(node))) {
      RegisterRequest registration = kubelet.awaitRegistration();
      if (!RESOURCE.equals(registration.getResourceName())) {
        throw new IllegalStateException("expected " + RESOURCE + ", got " + registration);
      }
      List<String> gpus =
          agent.inventory().current().orElseThrow().gpus().stream().map(Gpu::uuid).toList();
      try (HealthStream stream =
          HealthStream.open(kubelet.dial(dir.resolve(registration.getEndpoint())))) {
        for (String gpu : gpus) {
          stream.awaitHealth(gpu, "Healthy", STEP_TIMEOUT);
        }
        for (int round = 0; round < warmup + samples; round++) {
          String gpu = gpus.get(round % gpus.size());
          long injected = System.nanoTime();
          node.inject(gpu, new SimFault.Xid(79));
          long shownUnhealthy = stream.awaitHealth(gpu, "Unhealthy", STEP_TIMEOUT);
          long resetAsked = System.nanoTime();
          reset(http, agent.port(), gpu);
          long shownHealthy = stream.awaitHealth(gpu, "Healthy", STEP_TIMEOUT);
          if (round >= warmup) {
            unhealthy.add(shownUnhealthy - injected);
            healthy.add(shownHealthy - resetAsked);
          }
        }
      }
    }
    return new Rounds(unhealthy, healthy);
  }

  /**
   * The device plugin on in {@code dir}, podresources off, probes never (an XID then holds until a
   * GPU reset); everything else as the agent's defaults.
   */
  private static AgentConfig config(Path dir) {
    Map<String, String> env =
        Map.of(
            "GPU_AGENT_DEVICE_PLUGIN_ENABLED", "true",
            "GPU_AGENT_DEVICE_PLUGIN_DIR", dir.toString(),
            "GPU_AGENT_POD_RESOURCES_ENABLED", "false",
            "GPU_AGENT_HEALTH_PROBE_MODE", "never");
    return new ConfigLoader(env, new HashSet<>(SimulatedNode.builtInProfiles()), () -> "bench")
        .load(
            Optional.empty(),
            List.of(
                new FlagValue("--simulate", AgentConfig.SIMULATE_PROFILE, PROFILE),
                new FlagValue("--port", HttpConfig.PORT, "0"),
                new FlagValue("--host", HttpConfig.HOST, "127.0.0.1")));
  }

  /** The simulator's reset route: resets the GPU, rebuilds the inventory, tells health. */
  private static void reset(HttpClient http, int port, String gpu)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/sim/gpus/" + gpu + "/reset"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .timeout(STEP_TIMEOUT)
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "reset of " + gpu + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  /** The agent removes its sockets when it stops; whatever is left goes here. */
  private static void deleteDirectory(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
    }
    Files.deleteIfExists(dir);
  }
}

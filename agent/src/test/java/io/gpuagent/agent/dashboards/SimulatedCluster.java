package io.gpuagent.agent.dashboards;

import io.gpuagent.agent.Agent;
import io.gpuagent.agent.TestConfigs;
import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.podresources.FakePodResourcesServer;
import io.gpuagent.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Two simulated agents as a dashboard sees them: {@code gpu-node-a} (8× H100) and {@code
 * mig-node-b} (4× A100, GPUs 0 and 1 in MIG mode), sampling every second, with the device plugin on
 * (no kubelet, so nothing registers) and pods from one fake kubelet podresources server on a real
 * Unix socket. Pods in namespace {@code ml} hold whole GPUs that run a compute process (the per-pod
 * series an HPA scales on), one holds a MIG instance, and {@code web/embedder-0} holds a GPU
 * without a process.
 */
final class SimulatedCluster implements AutoCloseable {
  /** Pods in namespace ml holding a whole GPU each; the adapter rules give one series per pod. */
  static final List<String> ML_GPU_PODS = List.of("trainer-0", "trainer-1", "batch-0");

  final SimulatedNode h100;
  final SimulatedNode a100;
  final SimulatedNode shared;
  private final List<AutoCloseable> open = new ArrayList<>();
  private List<String> h100Gpus;
  private Agent h100Agent;
  private Agent a100Agent;
  private Agent sharedAgent;

  SimulatedCluster() {
    h100 = SimulatedNode.load("h100x8", new SimOptions("gpu-node-a", 1, Clock.systemUTC()));
    a100 = SimulatedNode.load("a100-mig", new SimOptions("mig-node-b", 2, Clock.systemUTC()));
    shared =
        SimulatedNode.load("h100x8-shared", new SimOptions("shared-node-c", 3, Clock.systemUTC()));
  }

  void start() throws IOException {
    Path sockets = Files.createTempDirectory(Path.of("/tmp"), "dash");
    FakePodResourcesServer kubelet = FakePodResourcesServer.start(sockets.resolve("kubelet.sock"));
    open.add(kubelet);
    h100Agent =
        Agent.start(config("h100x8", "gpu-node-a", sockets, "none"), h100, Optional.of(h100));
    open.add(h100Agent);
    Map<String, String> migLayout = new HashMap<>();
    migLayout.put(
        "GPU_AGENT_MIG_CONFIG_FILE", resource("a100-as-profiled.yaml", sockets).toString());
    migLayout.put("GPU_AGENT_MIG_SELECTED", "as-profiled");
    a100Agent =
        Agent.start(
            config("a100-mig", "mig-node-b", sockets, "mixed", migLayout, Optional.empty()),
            a100,
            Optional.of(a100));
    open.add(a100Agent);
    // GPUs 0-2 shared (examples/sharing-demo.yaml) by the profile's simulated pods: the per-pod
    // quota panels read this node.
    sharedAgent =
        Agent.start(
            config(
                "h100x8-shared",
                "shared-node-c",
                sockets,
                "none",
                // the profile's simulated pods answer for the kubelet (a real socket would win)
                Map.of("GPU_AGENT_POD_RESOURCES_ENABLED", "false"),
                Optional.of(Path.of("..", "examples", "sharing-demo.yaml"))),
            shared,
            Optional.of(shared));
    open.add(sharedAgent);
    // UUIDs read once: a lost GPU answers nothing, not even its UUID.
    h100Gpus = h100.devices().stream().map(device -> device.uuid()).toList();
    List<String> a100Gpus = a100.devices().stream().map(device -> device.uuid()).toList();
    String gpu = "nvidia.com/gpu";
    kubelet.assign("ml", "trainer-0", "main", gpu, h100Gpus.get(0));
    kubelet.assign("ml", "trainer-1", "main", gpu, h100Gpus.get(1));
    kubelet.assign("web", "embedder-0", "server", gpu, h100Gpus.get(2));
    kubelet.assign("ml", "batch-0", "main", gpu, a100Gpus.get(2));
    // Two full processes: GPU 0 is loaded whatever its background, so it sits at its power cap
    // and the throttling panels have data.
    h100.inject(h100Gpus.get(0), new SimFault.Process(4242, 6L << 30, 100));
    h100.inject(h100Gpus.get(0), new SimFault.Process(4245, 1L << 30, 100));
    a100.inject(a100Gpus.get(2), new SimFault.Process(4242, 6L << 30, 90));
    h100.inject(h100Gpus.get(1), new SimFault.Process(4243, 3L << 30, 5));

    Gpu migGpu =
        Await.value("the A100 node's inventory", () -> a100Agent.inventory().current().orElse(null))
            .gpus()
            .get(0);
    String mig = migGpu.migDevices().get(0).uuid();
    kubelet.assign(
        "ml",
        "mig-worker-0",
        "main",
        "nvidia.com/mig-" + migGpu.migDevices().get(0).profile(),
        mig);
    a100.inject(mig, new SimFault.Process(4244, 2L << 30, 50));

    // Faults whose series exist from the start: a lost GPU, a late GPU.
    h100.inject(h100Gpus.get(7), new SimFault.Lost());
    h100.inject(h100Gpus.get(6), new SimFault.Latency(Duration.ofMillis(1500)));
  }

  /** Faults that must come after Prometheus saw the counters at 0, so that they increase. */
  void injectCounterFaults() {
    h100.inject(h100Gpus.get(3), new SimFault.Xid(79));
    h100.inject(h100Gpus.get(4), new SimFault.EccErrors(7, 0));
  }

  List<String> targets() {
    return List.of(target(h100Agent), target(a100Agent), target(sharedAgent));
  }

  private static String target(Agent agent) {
    return "127.0.0.1:" + agent.port();
  }

  private static AgentConfig config(
      String profile, String nodeName, Path sockets, String migStrategy) throws IOException {
    return config(profile, nodeName, sockets, migStrategy, Map.of(), Optional.empty());
  }

  private static AgentConfig config(
      String profile,
      String nodeName,
      Path sockets,
      String migStrategy,
      Map<String, String> extra,
      Optional<Path> configFile)
      throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("GPU_AGENT_NODE_NAME", nodeName);
    env.put("GPU_AGENT_METRICS_INTERVAL", "1s");
    env.put("GPU_AGENT_INVENTORY_INTERVAL", "500ms");
    env.put("GPU_AGENT_HEALTH_INTERVAL", "500ms");
    env.put("GPU_AGENT_HEALTH_PROBE_INTERVAL", "1s");
    env.put("GPU_AGENT_POD_RESOURCES_ENABLED", "true");
    env.put("GPU_AGENT_POD_RESOURCES_SOCKET", sockets.resolve("kubelet.sock").toString());
    env.put("GPU_AGENT_POD_RESOURCES_INTERVAL", "200ms");
    env.put("GPU_AGENT_DEVICE_PLUGIN_ENABLED", "true");
    env.put(
        "GPU_AGENT_DEVICE_PLUGIN_DIR",
        Files.createDirectories(sockets.resolve("plugins-" + nodeName)).toString());
    env.put("GPU_AGENT_DEVICE_PLUGIN_MIG_STRATEGY", migStrategy);
    env.putAll(extra);
    return TestConfigs.simulated(profile, env, configFile);
  }

  /** A test resource of this package, copied to a file the agent can read. */
  private static Path resource(String name, Path dir) throws IOException {
    try (var in = SimulatedCluster.class.getResourceAsStream(name)) {
      Path file = dir.resolve(name);
      Files.copy(Objects.requireNonNull(in, name), file);
      return file;
    }
  }

  @Override
  public void close() {
    if (h100Gpus != null) {
      h100.clearFaults(h100Gpus.get(6)); // a late GPU would hold up the agent's stop
    }
    RuntimeException first = null;
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = new IllegalStateException("closing the simulated cluster", e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}

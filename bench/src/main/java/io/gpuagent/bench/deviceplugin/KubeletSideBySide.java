package io.gpuagent.bench.deviceplugin;

import io.gpuagent.bench.AgentProcess;
import io.gpuagent.bench.LoadAverage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * gpu-agent (started by {@code bin/gpu-agent}, simulated h100x8) and the harness's minimal Go
 * plugin ({@code stubplugin}, 8 devices on 2 NUMA nodes) side by side under the same real kubelet
 * v1.32 device manager ({@code dpharness}): each run starts dpharness on a fresh directory, then
 * the plugin; dpharness allocates 2 pods, restarts the kubelet {@code restarts} times (allocating
 * one more pod after each) and exits. Per run: process start to registered (read from dpharness's
 * {@code registered} line), the first allocation's {@code allocate_ms} (the kubelet's Allocate:
 * GetPreferredAllocation and Allocate RPCs), the p50 of the later ones, and the p50 of the
 * re-registration times. The table holds the median of each over the runs.
 *
 * <pre>
 * shared/tools/kubelet-harness/build.sh &lt;kubeedge mirror&gt;   # once: /tmp/kh/bin/{dpharness,stubplugin}
 * mvn -B -q package -DskipTests
 * java -cp bench/target/benchmarks.jar io.gpuagent.bench.deviceplugin.KubeletSideBySide \
 *     [runs, default 5] [restarts, default 20] [--no-warm-up] [--restart-gap=2s]
 *     [GPU_AGENT_KEY=value…] [JVM flags for GPU_AGENT_JAVA_OPTS]
 * </pre>
 *
 * {@code --harness=DIR} overrides {@code /tmp/kh/bin}. {@code --restart-gap=2s} keeps the kubelet
 * down that long at each restart (default 0: back at once). Run from the repository root.
 */
public final class KubeletSideBySide {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private KubeletSideBySide() {}

  /** What one run of one plugin measured, in milliseconds. */
  record Sample(
      double startToRegistered, double firstAllocate, double allocateP50, double reregP50) {}

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    boolean warmUp = !rest.remove("--no-warm-up");
    Path bin =
        rest.stream()
            .filter(arg -> arg.startsWith("--harness="))
            .findFirst()
            .map(arg -> Path.of(arg.substring("--harness=".length())))
            .orElse(Path.of("/tmp/kh/bin"));
    rest.removeIf(arg -> arg.startsWith("--harness="));
    // The kubelet's downtime at each restart (dpharness -restart-gap); 0: back at once.
    Duration restartGap =
        rest.stream()
            .filter(arg -> arg.startsWith("--restart-gap="))
            .findFirst()
            .map(arg -> Duration.parse("PT" + arg.substring("--restart-gap=".length())))
            .orElse(Duration.ZERO);
    rest.removeIf(arg -> arg.startsWith("--restart-gap="));
    // GPU_AGENT_KEY=value arguments are agent settings, e.g. GPU_AGENT_WARM_UP_BUDGET=300ms.
    Map<String, String> settings = new HashMap<>();
    for (String arg : List.copyOf(rest)) {
      if (arg.startsWith("GPU_AGENT_") && arg.contains("=")) {
        settings.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        rest.remove(arg);
      }
    }
    int runs = rest.isEmpty() ? 5 : Integer.parseInt(rest.remove(0));
    int restarts = rest.isEmpty() ? 20 : Integer.parseInt(rest.remove(0));
    for (String tool : List.of("dpharness", "stubplugin")) {
      if (!Files.isExecutable(bin.resolve(tool))) {
        throw new IllegalArgumentException(
            bin.resolve(tool) + " not found: build it with shared/tools/kubelet-harness/build.sh");
      }
    }
    System.out.printf(
        "kubelet side by side: %d runs, 2 pods + %d restarts each (kubelet down %d ms each), warm-up"
            + " %s %s, JVM flags '%s'; %d CPUs, load average %s%n",
        runs,
        restarts,
        restartGap.toMillis(),
        warmUp ? "on" : "off",
        settings,
        String.join(" ", rest),
        Runtime.getRuntime().availableProcessors(),
        LoadAverage.now());
    List<Sample> agent = new ArrayList<>();
    List<Sample> stub = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      stub.add(
          print("stubplugin", run, once(bin, restarts, restartGap, dir -> stubplugin(bin, dir))));
      agent.add(
          print(
              "gpu-agent",
              run,
              once(bin, restarts, restartGap, dir -> gpuAgent(dir, warmUp, settings, rest))));
    }
    System.out.println(SideBySideTable.render(agent, stub));
    System.out.printf("load average at the end %s%n", LoadAverage.now());
  }

  /** Starts a plugin on a directory; closing it stops the plugin. */
  private interface PluginStarter {
    AutoCloseable start(Path dir) throws IOException;
  }

  private static Sample once(Path bin, int restarts, Duration restartGap, PluginStarter plugin)
      throws Exception {
    Path root = Files.createTempDirectory("kh-sbs");
    Path dir = Files.createDirectories(root.resolve("dp"));
    try (HarnessRun harness =
        HarnessRun.start(
            bin.resolve("dpharness"),
            dir,
            2,
            restarts,
            restartGap,
            root.resolve("dpharness.log"))) {
      harness.awaitManager(TIMEOUT);
      long start = System.nanoTime();
      AutoCloseable running = plugin.start(dir);
      try {
        long registered = harness.awaitRegistered(TIMEOUT);
        int exit = harness.awaitExit(TIMEOUT);
        if (exit != 0) {
          throw new IllegalStateException(
              "dpharness exit " + exit + ": " + harness.summary().orElse(null));
        }
        List<Double> allocations = harness.allocateMs();
        return new Sample(
            (registered - start) / 1e6,
            allocations.get(0),
            SideBySideTable.median(allocations.subList(1, allocations.size())),
            SideBySideTable.median(harness.reregisterMs()));
      } finally {
        running.close();
      }
    }
  }

  private static AutoCloseable stubplugin(Path bin, Path dir) throws IOException {
    Process process =
        new ProcessBuilder(
                bin.resolve("stubplugin").toString(),
                "-dir",
                dir.toString(),
                "-resource",
                "nvidia.com/gpu",
                "-devices",
                "8",
                "-numa-nodes",
                "2")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return () -> {
      process.destroy();
      process.waitFor();
    };
  }

  private static AutoCloseable gpuAgent(
      Path dir, boolean warmUp, Map<String, String> settings, List<String> javaOpts)
      throws IOException {
    Map<String, String> environment = new HashMap<>(settings);
    environment.put("GPU_AGENT_POD_RESOURCES_ENABLED", "false");
    environment.put("GPU_AGENT_WARM_UP_ENABLED", Boolean.toString(warmUp));
    AgentProcess agent =
        AgentProcess.launch(
            AgentProcess.LAUNCHER,
            javaOpts,
            List.of(
                "run",
                "--simulate",
                "h100x8",
                "--port",
                "0",
                "--device-plugin-dir",
                dir.toString()),
            environment);
    return () -> {
      agent
          .firstLine("warm-up")
          .ifPresent(line -> System.out.println("  " + line.substring(line.indexOf("warm-up"))));
      agent.close();
    };
  }

  private static Sample print(String plugin, int run, Sample sample) {
    System.out.printf(
        Locale.ROOT,
        "run %d %-10s start->registered %7.1f ms, first Allocate %6.2f ms,"
            + " later Allocate p50 %5.2f ms, re-registration p50 %5.2f ms%n",
        run,
        plugin,
        sample.startToRegistered(),
        sample.firstAllocate(),
        sample.allocateP50(),
        sample.reregP50());
    return sample;
  }
}

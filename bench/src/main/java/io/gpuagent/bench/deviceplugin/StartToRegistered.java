package io.gpuagent.bench.deviceplugin;

import io.gpuagent.bench.AgentProcess;
import io.gpuagent.bench.LoadAverage;
import io.gpuagent.deviceplugin.DevicePluginService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * How long a node waits for its GPUs after the agent's pod starts: from just before {@code java
 * -jar agent/target/gpu-agent.jar run --simulate <profile> --mig-strategy <s>} is started to the
 * moment a stub kubelet on {@code <dir>/kubelet.sock} has seen every expected resource register,
 * JVM start included. Each run gets a fresh directory and a fresh JVM and ends with SIGTERM. A
 * first row times {@code gpu-agent --version} (JVM start, class loading, exit) for scale.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -cp bench/target/benchmarks.jar io.gpuagent.bench.deviceplugin.StartToRegistered \
 *     [runs, default 5] [JVM flags for the agent, e.g. -XX:+UseSerialGC -XX:TieredStopAtLevel=1]
 * </pre>
 */
public final class StartToRegistered {
  private static final int DEFAULT_RUNS = 5;
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  /** One agent configuration and the resources it must register, read off the profile files. */
  private record Case(String profile, String migStrategy, Set<String> resources) {}

  private static final List<Case> CASES =
      List.of(
          new Case("h100x8", "none", Set.of("nvidia.com/gpu")),
          // GPUs 2-3 whole; MIG devices 2g.20gb, 1g.10gb x2, 3g.40gb on GPU 0, 4g, 2g, 1g on GPU 1.
          new Case(
              "a100-mig",
              "mixed",
              Set.of(
                  "nvidia.com/gpu",
                  "nvidia.com/mig-1g.10gb",
                  "nvidia.com/mig-2g.20gb",
                  "nvidia.com/mig-3g.40gb",
                  "nvidia.com/mig-4g.40gb")));

  private StartToRegistered() {}

  /**
   * @throws IllegalArgumentException for a wrong argument (the message says which)
   */
  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_RUNS;
    if (runs < 1 || runs > 100) {
      throw new IllegalArgumentException("runs must be 1..100, got " + runs);
    }
    List<String> jvmFlags = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
    System.out.printf(
        "start to registered: java %s-jar %s, %d runs per row, each a fresh JVM; %d CPUs,"
            + " load average %s%n",
        jvmFlags.isEmpty() ? "" : String.join(" ", jvmFlags) + " ",
        AgentProcess.DEFAULT_JAR,
        runs,
        Runtime.getRuntime().availableProcessors(),
        LoadAverage.now());
    List<String> rows = new ArrayList<>();
    rows.add(versionRow(timeVersion(jvmFlags, runs)));
    for (Case c : CASES) {
      List<Steps> steps = new ArrayList<>();
      for (int run = 0; run < runs; run++) {
        steps.add(timeRegistration(c, jvmFlags));
      }
      rows.add(row(c, steps));
    }
    System.out.println(
        "| profile | MIG strategy | resources | HTTP listening, median (ms)"
            + " | agent-ready, median (ms) | all registered: min | median | max (ms) |");
    System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    rows.forEach(System.out::println);
    System.out.println("load average after: " + LoadAverage.now());
  }

  /**
   * One run, in nanoseconds from just before the process started: its {@code http-listening} line
   * (the JVM is up, main has run to the HTTP server: the agent's first log line), its {@code
   * agent-ready} line (NVML, inventory, device plugin and exporter started) and the last expected
   * registration at the stub kubelet.
   */
  private record Steps(long httpListening, long agentReady, long registered) {}

  /** One fresh agent, timed. */
  private static Steps timeRegistration(Case c, List<String> jvmFlags) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "s2r");
    try (KubeletStub kubelet = new KubeletStub(dir.resolve(DevicePluginService.KUBELET_SOCKET))) {
      List<String> agentArgs =
          List.of(
              "run",
              "--simulate",
              c.profile(),
              "--mig-strategy",
              c.migStrategy(),
              "--device-plugin-dir",
              dir.toString(),
              "--port",
              "0");
      try (AgentProcess agent =
          AgentProcess.start(
              AgentProcess.DEFAULT_JAR,
              jvmFlags,
              agentArgs,
              Map.of("GPU_AGENT_POD_RESOURCES_ENABLED", "false"))) {
        long registered;
        try {
          registered = kubelet.awaitResources(c.resources(), RUN_TIMEOUT);
        } catch (TimeoutException e) {
          throw new IllegalStateException(
              e.getMessage() + "; the agent's log:\n" + agent.logTail());
        }
        Map<String, Integer> counts = kubelet.registrationCounts();
        if (counts.values().stream().anyMatch(n -> n > 1)
            || counts.size() != c.resources().size()) {
          System.out.println("note: registrations " + counts + " for " + c.resources());
        }
        long start = agent.startedNanos();
        return new Steps(
            agent.firstSeen("http-listening").orElse(start) - start,
            agent.firstSeen("agent-ready").orElse(start) - start,
            registered - start);
      }
    } finally {
      deleteDirectory(dir);
    }
  }

  private static long[] timeVersion(List<String> jvmFlags, int runs) throws Exception {
    long[] nanos = new long[runs];
    for (int run = 0; run < runs; run++) {
      try (AgentProcess agent =
          AgentProcess.start(AgentProcess.DEFAULT_JAR, jvmFlags, List.of("--version"), Map.of())) {
        int exit = agent.awaitExit(RUN_TIMEOUT);
        nanos[run] = System.nanoTime() - agent.startedNanos();
        if (exit != 0) {
          throw new IllegalStateException("gpu-agent --version exited with " + exit);
        }
      }
    }
    return nanos;
  }

  private static String row(Case c, List<Steps> steps) {
    long[] registered = sorted(steps.stream().mapToLong(Steps::registered).toArray());
    return String.format(
        Locale.ROOT,
        "| %s | %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f |",
        c.profile(),
        c.migStrategy(),
        c.resources().size(),
        median(sorted(steps.stream().mapToLong(Steps::httpListening).toArray())) / 1e6,
        median(sorted(steps.stream().mapToLong(Steps::agentReady).toArray())) / 1e6,
        registered[0] / 1e6,
        median(registered) / 1e6,
        registered[registered.length - 1] / 1e6);
  }

  private static String versionRow(long[] nanos) {
    long[] exit = sorted(nanos);
    return String.format(
        Locale.ROOT,
        "| gpu-agent --version (until exit) | - | - | - | - | %.0f | %.0f | %.0f |",
        exit[0] / 1e6,
        median(exit) / 1e6,
        exit[exit.length - 1] / 1e6);
  }

  private static long[] sorted(long[] values) {
    long[] copy = values.clone();
    Arrays.sort(copy);
    return copy;
  }

  /** The middle value (the upper one of an even count). */
  private static long median(long[] sorted) {
    return sorted[sorted.length / 2];
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

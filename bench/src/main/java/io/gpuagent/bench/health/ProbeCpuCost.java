package io.gpuagent.bench.health;

import io.gpuagent.agent.logging.LogFormat;
import io.gpuagent.agent.logging.LogLevel;
import io.gpuagent.agent.logging.LogSetup;
import io.gpuagent.bench.AgentProcess;
import io.gpuagent.bench.LoadAverage;
import io.gpuagent.health.HealthConfig;
import io.gpuagent.health.HealthService;
import io.gpuagent.health.ProbeMode;
import io.gpuagent.health.probe.ChildProcessProbeRunner;
import io.gpuagent.health.probe.ProbeCommand;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the health probes cost the node's CPU while the GPUs are idle. Each probe is a child JVM,
 * {@code java -cp gpu-agent.jar io.gpuagent.agent.Main probe --json --device … --kind …}, as the
 * agent runs it; without a CUDA driver it answers UNAVAILABLE after loading the probe, but the JVM
 * it starts is the real cost. Two tables:
 *
 * <ol>
 *   <li>one child probe run, alone: its CPU time (user + system, from this JVM's cutime / cstime
 *       after the child was waited for), averaged over N runs, and the steady CPU that 8 GPUs
 *       probed every 5 minutes would cost: 8 × cost / 300 s. First as the agent runs the child
 *       today, then with JVM flags that cut a short-lived JVM's start-up (C1 only, serial GC, and
 *       an AppCDS archive of the classes the probe loads, dumped by one run beforehand);
 *   <li>a {@link HealthService} on a simulated h100x8 node with the agent's {@link
 *       ChildProcessProbeRunner}, probe mode idle-only (the agent's default; the simulated GPUs run
 *       no compute processes), first with probes never (the service's own cost), then probing every
 *       10 s with a 1 s health cycle; the CPU of this JVM and its children over each window, the
 *       probes' share per probe, and that share scaled to 8 GPUs every 5 minutes.
 * </ol>
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -cp bench/target/benchmarks.jar io.gpuagent.bench.health.ProbeCpuCost \
 *     [child runs, default 10] [probing seconds, default 60] [idle seconds, default 20]
 * </pre>
 */
public final class ProbeCpuCost {
  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(10);
  // Due probes start on the health loop's cycle; at the default 10 s cycle a 10 s probe interval
  // would become 20 s (due just after a cycle waits for the next). 1 s keeps it near 10 s.
  private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(1);
  private static final Duration DEFAULT_INTERVAL = HealthConfig.defaults().probeInterval();
  private static final int GPUS = 8;
  private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

  private ProbeCpuCost() {}

  /**
   * @throws IllegalArgumentException for a wrong argument or a missing agent jar
   */
  public static void main(String[] args) throws Exception {
    int runs = BenchArguments.intAt(args, 0, "child runs", 10, 1, 1000);
    int probingSeconds = BenchArguments.intAt(args, 1, "probing seconds", 60, 10, 3600);
    int idleSeconds = BenchArguments.intAt(args, 2, "idle seconds", 20, 5, 3600);
    if (!Files.isRegularFile(AgentProcess.DEFAULT_JAR)) {
      throw new IllegalArgumentException(
          AgentProcess.DEFAULT_JAR
              + " not found: run from the repository root after mvn -B -q install -DskipTests");
    }
    LogSetup.apply(LogFormat.TEXT, LogLevel.WARN);
    List<String> prefix = probeCommandPrefix(List.of());
    System.out.printf(
        "probe CPU cost: child = %s; %d CPUs, load average %s%n",
        String.join(" ", prefix), Runtime.getRuntime().availableProcessors(), LoadAverage.now());
    SimulatedNode node =
        SimulatedNode.load("h100x8", new SimOptions("bench", 1, Clock.systemUTC()));
    node.init();
    try {
      Inventory inventory = new InventoryReader(node, Clock.systemUTC()).read();
      childRunTable(inventory.gpus().get(0).uuid(), runs);
      System.out.println();
      Window idle = window(node, inventory, prefix, ProbeMode.NEVER, idleSeconds);
      Window probing = window(node, inventory, prefix, ProbeMode.IDLE_ONLY, probingSeconds);
      serviceTable(idle, probing);
    } finally {
      node.shutdown();
    }
    System.out.println("load average after: " + LoadAverage.now());
  }

  /** {@code [java, <flags>, -cp, gpu-agent.jar, io.gpuagent.agent.Main, probe, --json]}. */
  private static List<String> probeCommandPrefix(List<String> jvmFlags) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmFlags);
    command.addAll(
        List.of(
            "-cp",
            AgentProcess.DEFAULT_JAR.toString(),
            "io.gpuagent.agent.Main",
            "probe",
            "--json"));
    return command;
  }

  /** JVM flags a child probe could run with; the first row is how the agent runs it today. */
  private record ChildFlags(String label, List<String> flags) {}

  private static List<ChildFlags> childFlags(Path cdsArchive) {
    List<String> quick = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    List<String> archived = new ArrayList<>(quick);
    archived.add("-XX:SharedArchiveFile=" + cdsArchive);
    return List.of(
        new ChildFlags("as the agent runs it (no flags)", List.of()),
        new ChildFlags(String.join(" ", quick), quick),
        new ChildFlags("same + AppCDS archive of the probe's classes", archived));
  }

  private static void childRunTable(String gpu, int runs) throws Exception {
    Path archive = Files.createTempFile("gpu-agent-probe", ".jsa");
    try {
      Files.delete(archive);
      // One run that dumps the classes it loaded, as an image build or the agent's start could.
      runChild(probeCommandPrefix(List.of("-XX:ArchiveClassesAtExit=" + archive)), gpu);
      String firstAnswer = "";
      List<String> rows = new ArrayList<>();
      for (ChildFlags variant : childFlags(archive)) {
        List<String> prefix = probeCommandPrefix(variant.flags());
        ProcessTreeCpu.CpuTicks spent = ProcessTreeCpu.CpuTicks.NONE;
        long wallNanos = 0;
        for (int run = 0; run < runs; run++) {
          ProcessTreeCpu before = ProcessTreeCpu.now();
          String answer = runChild(prefix, gpu);
          // waitFor returned once Java's reaper thread had waited for the child (waitpid), so
          // the child's time is in this JVM's cutime / cstime by now.
          ProcessTreeCpu after = ProcessTreeCpu.now();
          spent = spent.plus(after.exitedChildren().minus(before.exitedChildren()));
          wallNanos += after.atNanos() - before.atNanos();
          firstAnswer = firstAnswer.isEmpty() ? answer : firstAnswer;
        }
        double cpuSeconds = spent.seconds() / runs;
        rows.add(
            String.format(
                Locale.ROOT,
                "| %s | %d | %.0f | %.0f | %.0f | %.0f | %.3f |",
                variant.label(),
                runs,
                cpuSeconds * 1000,
                spent.user() / ProcessTreeCpu.TICKS_PER_SECOND / runs * 1000,
                spent.system() / ProcessTreeCpu.TICKS_PER_SECOND / runs * 1000,
                wallNanos / 1e6 / runs,
                projectedPercent(cpuSeconds)));
      }
      System.out.println("child answered: " + firstAnswer);
      System.out.println(
          "| child probe run (--kind memory), JVM flags | runs | CPU per run (ms) | user (ms)"
              + " | system (ms) | wall per run (ms) | 8 GPUs every 5 min (% of one core) |");
      System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
      rows.forEach(System.out::println);
    } finally {
      Files.deleteIfExists(archive);
    }
  }

  /** Runs one probe child to its end; its output (stdout and stderr), stripped. */
  private static String runChild(List<String> prefix, String gpu) throws Exception {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of("--device", gpu, "--kind", "memory"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CUDA_VISIBLE_DEVICES", gpu);
    Process child = builder.start();
    child.getOutputStream().close();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!child.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      child.destroyForcibly();
      throw new IllegalStateException("the probe child ran past " + CHILD_TIMEOUT + ": " + command);
    }
    return output.strip();
  }

  /** The CPU of this JVM and its children over one run of a health service. */
  private record Window(
      ProbeMode mode,
      Duration probeInterval,
      double wallSeconds,
      ProcessTreeCpu.CpuTicks self,
      ProcessTreeCpu.CpuTicks children,
      long probes,
      String outcomes) {

    double percent(ProcessTreeCpu.CpuTicks ticks) {
      return 100 * ticks.seconds() / wallSeconds;
    }
  }

  private static Window window(
      SimulatedNode node, Inventory inventory, List<String> prefix, ProbeMode mode, int seconds)
      throws Exception {
    HealthConfig config =
        HealthConfig.defaults()
            .withInterval(HEALTH_INTERVAL)
            .withProbeMode(mode)
            .withProbeInterval(PROBE_INTERVAL);
    CountingProbeRunner probes =
        new CountingProbeRunner(new ChildProcessProbeRunner(ProbeCommand.withArguments(prefix)));
    ProcessTreeCpu before;
    ProcessTreeCpu after;
    try (HealthService health =
        new HealthService(config, node, () -> inventory, probes, Clock.systemUTC())) {
      before = ProcessTreeCpu.now();
      health.start();
      // A measurement window of fixed length: nothing to await but the clock.
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      after = ProcessTreeCpu.now();
    }
    return new Window(
        mode,
        PROBE_INTERVAL,
        after.wallSecondsSince(before),
        after.self().minus(before.self()),
        after.children().minus(before.children()),
        probes.finishedCount(),
        probes.byOutcome().toString());
  }

  private static void serviceTable(Window idle, Window probing) {
    System.out.println(
        "| health service on h100x8 | probe mode | window (s) | probes | tree CPU (% of one core)"
            + " | this JVM (%) | children (%) |");
    System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for (Window w : List.of(idle, probing)) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.1f | %d %s | %.2f | %.2f | %.2f |%n",
          w.mode() == ProbeMode.NEVER
              ? "no probes"
              : "probe every " + w.probeInterval().toSeconds() + " s",
          w.mode().word(),
          w.wallSeconds(),
          w.probes(),
          w.outcomes(),
          w.percent(w.self().plus(w.children())),
          w.percent(w.self()),
          w.percent(w.children()));
    }
    // What the probes added: the probing window's tree less the service alone, per probe.
    double idleSelfSeconds = idle.self().seconds() / idle.wallSeconds() * probing.wallSeconds();
    double probeSeconds = probing.self().seconds() - idleSelfSeconds + probing.children().seconds();
    double perProbe = probing.probes() == 0 ? 0 : probeSeconds / probing.probes();
    System.out.println();
    System.out.println(
        "| probe share | CPU per probe, children + agent side (ms) | at "
            + PROBE_INTERVAL.toSeconds()
            + " s (% of one core) | scaled to "
            + DEFAULT_INTERVAL.toMinutes()
            + " min, 8 GPUs (% of one core) |");
    System.out.println("| --- | ---: | ---: | ---: |");
    System.out.printf(
        Locale.ROOT,
        "| measured | %.0f | %.2f | %.3f |%n",
        perProbe * 1000,
        100 * probeSeconds / probing.wallSeconds(),
        projectedPercent(perProbe));
  }

  /** CPU % of one core for {@value #GPUS} GPUs each probed once per default interval. */
  private static double projectedPercent(double cpuSecondsPerProbe) {
    return 100 * GPUS * cpuSecondsPerProbe / DEFAULT_INTERVAL.toSeconds();
  }
}

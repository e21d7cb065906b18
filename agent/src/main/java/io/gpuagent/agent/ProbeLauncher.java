package io.gpuagent.agent;

import io.gpuagent.health.probe.ChildProcessProbeRunner;
import io.gpuagent.health.probe.ProbeCommand;
import io.gpuagent.health.probe.ProbeRunner;
import io.gpuagent.health.probe.SimulatedProbeRunner;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How probes run: on a simulated node, against its injected probe faults; on a real node, as {@code
 * gpu-agent probe --json …} in a child JVM of this same agent (same java, same class path), so a
 * hung kernel or a crashing driver call cannot take the agent with it.
 */
final class ProbeLauncher {
  private ProbeLauncher() {}

  static ProbeRunner runner(Optional<SimulatedNode> simulator) {
    return simulator
        .<ProbeRunner>map(SimulatedProbeRunner::new)
        .orElseGet(() -> new ChildProcessProbeRunner(ProbeCommand.withArguments(childCommand())));
  }

  /**
   * {@code [java, <flags>, -cp, <this agent's class path>, io.gpuagent.agent.Main, probe, --json]}.
   * The child lives for one probe: C1-only JIT and the serial GC cut its start-up CPU by ~17 %
   * (bench/health/ProbeCpuCost: 689 → 573 ms per probe).
   */
  static List<String> childCommand() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(
        java,
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-cp",
        System.getProperty("java.class.path"),
        Main.class.getName(),
        "probe",
        "--json");
  }
}

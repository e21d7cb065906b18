package io.gpuagent.agent.cli;

import io.gpuagent.agent.logging.LogFormat;
import io.gpuagent.agent.logging.LogLevel;
import io.gpuagent.agent.logging.LogSetup;
import io.gpuagent.health.HealthConfig;
import io.gpuagent.health.cuda.CudaProbe;
import io.gpuagent.health.probe.ProbeKind;
import io.gpuagent.health.probe.ProbeRequest;
import io.gpuagent.health.probe.ProbeResult;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gpu-agent probe}: runs one CUDA probe kernel on one device in this process and reports.
 * The agent runs it as a child process with a hard deadline; users run it by hand to check a GPU.
 * Exit codes: 0 passed, 1 failed or hung, 3 could not run or could not judge the GPU (no CUDA
 * driver, device not visible, a CUDA error about the environment such as 802 without Fabric
 * Manager).
 */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    description = "Run a CUDA probe (memory patterns or a compute check) on one GPU or MIG device.")
final class ProbeCommand implements Callable<Integer> {
  static final int EXIT_UNAVAILABLE = 3;

  private final CliEnvironment env;

  @Spec CommandSpec spec;

  @Option(names = "--device", required = true, paramLabel = "UUID", description = "GPU-… or MIG-….")
  String device;

  @Option(names = "--kind", paramLabel = "memory|compute", description = "Default: memory.")
  String kind = "memory";

  @Option(
      names = "--memory-mib",
      paramLabel = "N",
      description = "Memory to test; 0: 256 MiB or 5 %% of free memory, whichever is less.")
  long memoryMib;

  @Option(
      names = "--deadline-ms",
      paramLabel = "MS",
      description = "Default: ${DEFAULT-VALUE} (the agent's health.probe.deadline).")
  long deadlineMs = HealthConfig.PROBE_DEADLINE.defaultValue().orElseThrow().toMillis();

  @Option(names = "--json", description = "Print the result as one JSON line (for the agent).")
  boolean json;

  ProbeCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    if (!device.startsWith("GPU-") && !device.startsWith("MIG-")) {
      throw new ParameterException(
          spec.commandLine(), "--device must be a GPU-… or MIG-… UUID, got '" + device + "'");
    }
    if (memoryMib < 0 || deadlineMs <= 0) {
      throw new ParameterException(
          spec.commandLine(), "--memory-mib must be >= 0 and --deadline-ms > 0");
    }
    ProbeKind probeKind;
    try {
      probeKind = ProbeKind.fromWord(kind.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    LogSetup.apply(LogFormat.TEXT, LogLevel.WARN);
    ProbeResult result =
        CudaProbe.run(
            new ProbeRequest(device, probeKind, memoryMib, Duration.ofMillis(deadlineMs)));
    if (json) {
      env.out().println(result.toJson());
    } else {
      env.out()
          .printf(
              Locale.ROOT,
              "probe %s on %s: %s in %.1f s%s%n",
              probeKind.word(),
              device,
              result.outcome(),
              result.duration().toMillis() / 1000.0,
              result.detail().isEmpty() ? "" : " — " + result.detail());
    }
    env.out().flush();
    return switch (result.outcome()) {
      case PASSED -> GpuAgentCli.EXIT_OK;
      case UNAVAILABLE, ERROR -> EXIT_UNAVAILABLE;
      default -> GpuAgentCli.EXIT_FAILURE;
    };
  }
}

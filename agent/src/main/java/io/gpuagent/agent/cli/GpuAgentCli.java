package io.gpuagent.agent.cli;

import io.gpuagent.config.ConfigException;
import io.gpuagent.mig.MigConfigException;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.sim.SimProfileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code gpu-agent} command line. Exit codes: 0 success, 1 the agent could not run (no NVML,
 * port taken), 2 a user mistake (bad flag, config or profile) — always with one line on stderr.
 */
@Command(
    name = "gpu-agent",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "One agent per Kubernetes GPU node: device plugin, metrics, health and MIG.",
    subcommands = {
      RunCommand.class,
      DevicesCommand.class,
      ProbeCommand.class,
      MigCommand.class,
      CdsTrainingCommand.class
    })
public final class GpuAgentCli implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Parses {@code args}, runs the command and answers its exit code. */
  public static int execute(String[] args, CliEnvironment env) {
    CommandLine cli = new CommandLine(new GpuAgentCli(), new EnvironmentFactory(env));
    cli.setOut(env.out());
    cli.setErr(env.err());
    cli.setParameterExceptionHandler(
        (ex, ignored) -> {
          env.err().println("gpu-agent: " + ex.getMessage() + " (see gpu-agent --help)");
          env.err().flush();
          return EXIT_USAGE;
        });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          env.err().println("gpu-agent: " + describe(ex));
          env.err().flush();
          return ex instanceof ConfigException
                  || ex instanceof SimProfileException
                  || ex instanceof MigConfigException
              ? EXIT_USAGE
              : EXIT_FAILURE;
        });
    return cli.execute(args);
  }

  private static String describe(Exception ex) {
    if (ex instanceof ConfigException) {
      return "config error: " + ex.getMessage();
    }
    if (ex instanceof SimProfileException) {
      return "simulator profile error: " + ex.getMessage();
    }
    if (ex instanceof MigConfigException) {
      return "MIG config error: " + ex.getMessage();
    }
    if (ex instanceof NvmlException) {
      return ex.getMessage();
    }
    return ex.getMessage() == null ? ex.toString() : ex.getMessage();
  }

  /** Gives subcommands the process environment through their constructor. */
  private record EnvironmentFactory(CliEnvironment env) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (type == RunCommand.class) {
        return type.cast(new RunCommand(env));
      }
      if (type == DevicesCommand.class) {
        return type.cast(new DevicesCommand(env));
      }
      if (type == MigCommand.PlanCommand.class) {
        return type.cast(new MigCommand.PlanCommand(env));
      }
      if (type == MigCommand.ApplyCommand.class) {
        return type.cast(new MigCommand.ApplyCommand(env));
      }
      if (type == ProbeCommand.class) {
        return type.cast(new ProbeCommand(env));
      }
      if (type == CdsTrainingCommand.class) {
        return type.cast(new CdsTrainingCommand(env));
      }
      return CommandLine.defaultFactory().create(type);
    }
  }
}

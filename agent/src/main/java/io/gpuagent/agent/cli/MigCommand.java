package io.gpuagent.agent.cli;

import io.gpuagent.agent.NvidiaSmiReset;
import io.gpuagent.agent.NvmlFactory;
import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.agent.http.MigJson;
import io.gpuagent.agent.logging.LogLevel;
import io.gpuagent.agent.logging.LogSetup;
import io.gpuagent.mig.ApplyReport;
import io.gpuagent.mig.GpuDrain;
import io.gpuagent.mig.GpuPlan;
import io.gpuagent.mig.GpuReset;
import io.gpuagent.mig.MigConfig;
import io.gpuagent.mig.MigManager;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gpu-agent mig plan|apply --config F --name N}: what a layout of a mig-parted file would do
 * to each GPU, or apply it, through the same manager the running agent uses. Exit codes: 0 every
 * GPU is (or would be) in the layout, 1 a GPU refused, failed or waits for a reset, 2 a bad file or
 * layout name.
 */
@Command(
    name = "mig",
    mixinStandardHelpOptions = true,
    description = "Plan or apply a MIG layout of a mig-parted config file.",
    subcommands = {MigCommand.PlanCommand.class, MigCommand.ApplyCommand.class})
final class MigCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options of both subcommands. */
  static final class MigOptions {
    @Option(
        names = "--config",
        required = true,
        paramLabel = "FILE",
        description = "mig-parted config file (version: v1, mig-configs).")
    Path file;

    @Option(names = "--name", required = true, paramLabel = "N", description = "Layout name.")
    String name;

    @Mixin NodeOptions node;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    /** Runs {@code work} on a manager over this node's NVML, closed afterwards. */
    int run(CliEnvironment env, boolean allowReset, Function<MigManager, Integer> work) {
      AgentConfig config = NodeOptions.load(env, Optional.empty(), node.flags());
      LogSetup.apply(config.logFormat(), LogLevel.WARN);
      Optional<SimulatedNode> simulator = NvmlFactory.simulator(config);
      Nvml nvml = simulator.<Nvml>map(node -> node).orElseGet(() -> NvmlFactory.real(config));
      GpuReset reset =
          simulator
              .<GpuReset>map(node -> gpu -> node.resetGpu(gpu.uuid()))
              .orElseGet(NvidiaSmiReset::new);
      MigConfig migConfig =
          new MigConfig(
              Optional.of(file),
              Optional.empty(),
              allowReset || config.mig().allowReset(),
              config.mig().drainWait(),
              false);
      // the file is read (and a bad one refused) before NVML is touched
      MigManager manager = new MigManager(nvml, migConfig, GpuDrain.NONE, reset, Clock.systemUTC());
      manager.file().orElseThrow().layout(name);
      nvml.init();
      try (nvml) {
        int code = work.apply(manager);
        env.out().flush();
        return code;
      }
    }
  }

  /** {@code gpu-agent mig plan}: per GPU, what applying the layout would do. */
  @Command(
      name = "plan",
      mixinStandardHelpOptions = true,
      description = "Print what applying a layout would change on each GPU; changes nothing.")
  static final class PlanCommand implements Callable<Integer> {
    private final CliEnvironment env;

    @Mixin MigOptions options;

    PlanCommand(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      return options.run(
          env,
          false,
          manager -> {
            List<GpuPlan> plans = manager.plan(options.name);
            if (options.json) {
              env.out().println(MigJson.plan(options.name, plans).encodePrettily());
            } else {
              env.out().print(MigTable.plan(plans));
            }
            boolean refused = plans.stream().anyMatch(p -> p.action() == GpuPlan.Action.REFUSE);
            return refused ? GpuAgentCli.EXIT_FAILURE : GpuAgentCli.EXIT_OK;
          });
    }
  }

  /** {@code gpu-agent mig apply}: applies the layout and prints each GPU's result. */
  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description = "Apply a layout, GPU by GPU, and print the resulting layout of each GPU.")
  static final class ApplyCommand implements Callable<Integer> {
    private final CliEnvironment env;

    @Mixin MigOptions options;

    @Option(
        names = "--allow-reset",
        description = "Reset GPUs whose MIG mode changes (key mig.allowReset).")
    boolean allowReset;

    ApplyCommand(CliEnvironment env) {
      this.env = env;
    }

    @Override
    public Integer call() {
      return options.run(
          env,
          allowReset,
          manager -> {
            ApplyReport report = manager.apply(options.name);
            if (options.json) {
              env.out().println(MigJson.report(report).encodePrettily());
            } else {
              env.out().print(MigTable.report(report));
            }
            return report.success() ? GpuAgentCli.EXIT_OK : GpuAgentCli.EXIT_FAILURE;
          });
    }
  }
}

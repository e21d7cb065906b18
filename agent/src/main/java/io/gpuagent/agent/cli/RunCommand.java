package io.gpuagent.agent.cli;

import io.gpuagent.agent.Agent;
import io.gpuagent.agent.NvmlFactory;
import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.agent.config.ConfigLoader.FlagValue;
import io.gpuagent.agent.logging.LogSetup;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gpu-agent run}: the daemon. Runs until SIGTERM or SIGINT, then stops cleanly. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the agent.")
final class RunCommand implements Callable<Integer> {
  private final CliEnvironment env;

  @Mixin CommonOptions common;

  @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (key http.port).")
  String port;

  @Option(
      names = "--device-plugin-dir",
      paramLabel = "DIR",
      description = "Kubelet device-plugin directory (key devicePlugin.dir).")
  String devicePluginDir;

  @Option(
      names = "--mig-strategy",
      paramLabel = "none|single|mixed",
      description = "How MIG devices are advertised.")
  String migStrategy;

  RunCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    List<FlagValue> extra = new ArrayList<>();
    ConfigFlag.PORT.addTo(extra, port);
    ConfigFlag.DEVICE_PLUGIN_DIR.addTo(extra, devicePluginDir);
    ConfigFlag.MIG_STRATEGY.addTo(extra, migStrategy);
    AgentConfig config = common.load(env, extra);
    LogSetup.apply(config.logFormat(), config.logLevel());
    Optional<SimulatedNode> simulator = NvmlFactory.simulator(config);
    Nvml nvml = simulator.<Nvml>map(node -> node).orElseGet(() -> NvmlFactory.real(config));
    Agent agent = Agent.start(config, nvml, simulator);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  stopped.countDown();
                },
                "gpu-agent-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return GpuAgentCli.EXIT_OK;
  }
}

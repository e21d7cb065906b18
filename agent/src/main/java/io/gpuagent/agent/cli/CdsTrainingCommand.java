package io.gpuagent.agent.cli;

import io.gpuagent.agent.Agent;
import io.gpuagent.agent.NvmlFactory;
import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.agent.config.ConfigLoader;
import io.gpuagent.agent.config.ConfigLoader.FlagValue;
import io.gpuagent.agent.config.HttpConfig;
import io.gpuagent.agent.logging.LogLevel;
import io.gpuagent.agent.logging.LogSetup;
import io.gpuagent.deviceplugin.DevicePluginConfig;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.podresources.PodResourcesConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code gpu-agent cds-training} (hidden): the build's training run for the class-data-sharing
 * archive. Starts the whole agent on the simulated h100x8 node with its device plugin in a temp
 * directory and no kubelet, lets the warm-up run, stops, and exits; run under {@code
 * -XX:ArchiveClassesAtExit} it leaves every class a start-up loads in the archive. The user's
 * environment is ignored so every build trains the same way.
 */
@Command(name = "cds-training", hidden = true, description = "Train the CDS archive, then exit.")
final class CdsTrainingCommand implements Callable<Integer> {
  private static final String FLAG = "cds-training";

  /** The HTTP warm-up comes a moment after start-up; the archive should hold its classes. */
  private static final Duration WARM_UP_WAIT = Duration.ofSeconds(60);

  private final CliEnvironment env;

  CdsTrainingCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call()
      throws IOException, ExecutionException, InterruptedException, TimeoutException {
    Path dir = Files.createTempDirectory("gpu-agent-cds");
    try {
      AgentConfig config =
          new ConfigLoader(Map.of(), new HashSet<>(SimulatedNode.builtInProfiles()), () -> "cds")
              .load(
                  Optional.empty(),
                  List.of(
                      new FlagValue(FLAG, AgentConfig.SIMULATE_PROFILE, "h100x8"),
                      new FlagValue(FLAG, HttpConfig.PORT, "0"),
                      new FlagValue(FLAG, DevicePluginConfig.DIR, dir.toString()),
                      new FlagValue(FLAG, PodResourcesConfig.ENABLED, "false")));
      LogSetup.apply(config.logFormat(), LogLevel.WARN);
      SimulatedNode node = NvmlFactory.simulator(config).orElseThrow();
      long start = System.nanoTime();
      try (Agent agent = Agent.start(config, node, Optional.of(node))) {
        agent.warmedUp().get(WARM_UP_WAIT.toSeconds(), TimeUnit.SECONDS);
        env.out()
            .printf(
                "cds-training: agent started and warmed up in %d ms on port %d%n",
                (System.nanoTime() - start) / 1_000_000, agent.port());
      }
      env.out().flush();
      return GpuAgentCli.EXIT_OK;
    } finally {
      try (Stream<Path> left = Files.list(dir)) {
        for (Path file : left.toList()) {
          Files.deleteIfExists(file);
        }
      }
      Files.deleteIfExists(dir);
    }
  }
}

package io.gpuagent.agent;

import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.jna.JnaNvml;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/** Chooses the NVML behind the agent: the simulator when configured, else the real library. */
public final class NvmlFactory {
  private NvmlFactory() {}

  /** The simulated node when {@code simulate.profile} is set; not yet initialised. */
  public static Optional<SimulatedNode> simulator(AgentConfig config) {
    return config
        .simulateProfile()
        .map(
            profile ->
                SimulatedNode.load(
                    profile,
                    new SimOptions(config.nodeName(), config.simulateSeed(), Clock.systemUTC())));
  }

  /** The real binding; the library is loaded when {@link Nvml#init()} is called. */
  public static Nvml real(AgentConfig config) {
    return config.nvmlLibrary().equals(JnaNvml.LIBRARY_NAME)
        ? new JnaNvml()
        : new JnaNvml(Path.of(config.nvmlLibrary()));
  }
}

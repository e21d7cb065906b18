package io.gpuagent.agent;

import io.gpuagent.testing.CloseAfterEach;
import java.util.Map;

/**
 * Agents on simulated nodes ({@link TestConfigs#startSimulated}), each closed after the test that
 * started it: {@code @RegisterExtension final SimulatedAgents agents = new SimulatedAgents();}.
 */
public final class SimulatedAgents extends CloseAfterEach<Agent> {

  /** An agent on {@code h100x8} with {@code environment} ({@code GPU_AGENT_…}), started. */
  public Agent start(Map<String, String> environment) {
    return closedAfterEach(TestConfigs.startSimulated("h100x8", environment));
  }
}

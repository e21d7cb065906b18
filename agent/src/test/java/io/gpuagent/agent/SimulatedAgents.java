package io.gpuagent.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Agents on simulated nodes ({@link TestConfigs#startSimulated}), each closed after the test that
 * started it: {@code @RegisterExtension final SimulatedAgents agents = new SimulatedAgents();}.
 */
public final class SimulatedAgents implements AfterEachCallback {
  private final List<Agent> started = new ArrayList<>();

  /** An agent on {@code h100x8} with {@code environment} ({@code GPU_AGENT_…}), started. */
  public Agent start(Map<String, String> environment) {
    Agent agent = TestConfigs.startSimulated("h100x8", environment);
    started.add(agent);
    return agent;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    started.forEach(Agent::close);
    started.clear();
  }
}

package io.gpuagent.mig;

import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** The GPU operator's default mig-parted config and started simulated nodes. */
final class MigFixtures {
  static final String DEFAULT_CONFIG = "gpu-operator-default-mig-parted-config.yaml";

  private MigFixtures() {}

  static MigConfigFile defaultConfig() {
    try (InputStream in = MigFixtures.class.getResourceAsStream(DEFAULT_CONFIG)) {
      return MigConfigFile.parse(
          DEFAULT_CONFIG, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SimulatedNode node(String profile) {
    SimulatedNode node =
        SimulatedNode.load(profile, new SimOptions("test-node", 1, Clock.systemUTC()));
    node.init();
    return node;
  }
}

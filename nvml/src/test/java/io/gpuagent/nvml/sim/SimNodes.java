package io.gpuagent.nvml.sim;

import io.gpuagent.testing.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Simulated nodes for tests: a fixed seed, a manual clock, NVML initialised. */
final class SimNodes {
  static final long SEED = 42;

  private SimNodes() {}

  static SimulatedNode started(String profile, ManualClock clock) {
    return started(profile, new SimOptions("test-node", SEED, clock));
  }

  static SimulatedNode started(String profile, SimOptions options) {
    SimulatedNode node = SimulatedNode.load(profile, options);
    node.init();
    return node;
  }

  /** A one-GPU node of {@code model} with MIG mode on and no instances. */
  static SimulatedNode emptyMigGpu(Path dir, String model, ManualClock clock) {
    String yaml =
        "gpus:\n"
            + "  - model: "
            + model
            + "\n    busId: \"0000:18:00.0\"\n    numaNode: 0\n    mig: {enabled: true}\n";
    return started(write(dir, "one-gpu.yaml", yaml).toString(), clock);
  }

  static Path write(Path dir, String name, String text) {
    try {
      return Files.writeString(dir.resolve(name), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

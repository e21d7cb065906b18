package io.gpuagent.exporter.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.exporter.counters.CounterSet;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.SimulatedInventories;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.nvml.sim.SimOptions;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SamplerTest {
  private final SimulatedInventories inventories =
      new SimulatedInventories("h100x8", new SimOptions("sim-h100x8", 42, Clock.systemUTC()));
  private final Inventory inventory = inventories.current();
  private final Sampler sampler =
      new Sampler(
          inventories.node,
          CounterSet.builtIn().fields(),
          Duration.ofSeconds(1),
          Clock.systemUTC());

  @AfterEach
  void close() {
    sampler.close();
  }

  @Test
  void gpusThatAnswerPromptlyShareOneWorkerThread() {
    // a hand-on no pause of a loaded test machine reaches: "promptly" is then certain
    Sampler patient =
        new Sampler(
            inventories.node,
            CounterSet.builtIn().fields(),
            Duration.ofSeconds(20),
            Duration.ofSeconds(10),
            Clock.systemUTC());
    try {
      for (int round = 0; round < 5; round++) {
        NodeSample sample = patient.sampleOnce(inventory);
        assertThat(sample.gpus()).hasSize(8);
        assertThat(sample.timedOut()).isEmpty();
      }

      assertThat(patient.workerThreads()).isOne();
    } finally {
      patient.close();
    }
  }

  @Test
  void theDefaultHandOnSamplesAHealthyNodeOnFewThreads() {
    for (int round = 0; round < 5; round++) {
      NodeSample sample = sampler.sampleOnce(inventory);
      assertThat(sample.gpus()).hasSize(8);
      assertThat(sample.timedOut()).isEmpty();
    }

    // one, unless a pause of this machine made a sample outlast the 50 ms hand-on
    assertThat(sampler.workerThreads()).isBetween(1, 3);
  }

  @Test
  void aHungGpuHoldsOneWorkerAndTheOthersAnswerOnAnother() {
    String hung = inventory.gpus().get(2).uuid();
    inventories.node.inject(hung, new SimFault.Latency(Duration.ofHours(1)));

    NodeSample first = sampler.sampleOnce(inventory);
    NodeSample second = sampler.sampleOnce(inventory);

    assertThat(first.gpus()).hasSize(7).doesNotContainKey(hung);
    assertThat(first.timedOut()).containsExactly(hung);
    assertThat(second.gpus()).hasSize(7);
    assertThat(second.timedOut()).as("still stuck, not asked again").containsExactly(hung);
    assertThat(sampler.workerThreads()).as("the hung GPU's and the others'").isBetween(2, 4);
  }
}

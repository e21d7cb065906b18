package io.gpuagent.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.events.NvmlEventPump;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.testing.Await;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent notices hardware changes itself: by MIG events at once, by the fingerprint later. */
class InventoryWatcherTest {
  /** Long enough that no periodic check runs during a test. */
  private static final Duration NEVER = Duration.ofHours(1);

  private static final Duration OFTEN = Duration.ofMillis(50);

  private final SimulatedNode node =
      SimulatedNode.load("a100-mig", new SimOptions("test-node", 1, Clock.systemUTC()));
  private final NodeInventory inventory =
      new NodeInventory(new InventoryReader(node, Clock.systemUTC()));
  private final List<Inventory> published = new CopyOnWriteArrayList<>();
  private InventoryWatcher watcher;
  private NvmlEventPump pump;

  {
    node.init();
    inventory.addListener(published::add);
  }

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.close();
    }
    if (pump != null) {
      pump.close();
    }
    node.shutdown();
  }

  @Test
  void aMigConfigChangeEventRebuildsWithoutWaitingForThePeriodicCheck() {
    Inventory first = inventory.rebuild();
    pump = new NvmlEventPump(node);
    watch(NEVER);
    pump.addListener(watcher);
    pump.start();
    pump.onInventory(first);
    Await.until("GPU 2 registered for events", () -> pump.registeredGpus().size() == 4);
    String gpu2 = first.gpus().get(2).uuid();

    node.setMigLayout(gpu2, true, List.of("3g.40gb", "3g.40gb"));

    // Listeners are told after the reference swap: wait for what they were told.
    Await.until(
        "GPU 2's two 3g.40gb published",
        () -> published.get(published.size() - 1).gpus().get(2).migDevices().size() == 2);
    assertThat(inventory.current().orElseThrow().gpus().get(2).migEnabled()).isTrue();
  }

  @Test
  void aRequestedCheckRebuildsAtOnceWhenTheHardwareChanged() {
    inventory.rebuild();
    watch(NEVER);

    node.setMigLayout(node.deviceByIndex(2).uuid(), true, List.of("3g.40gb"));
    watcher.checkSoon();

    Await.until("a second inventory published", () -> published.size() == 2);
    assertThat(published.get(1).gpus().get(2).migDevices()).hasSize(1);
  }

  @Test
  void thePeriodicCheckNoticesALostGpuAndItsReturn() {
    inventory.rebuild();
    watch(OFTEN);
    String gpu3 = node.deviceByIndex(3).uuid();

    node.inject(gpu3, new SimFault.Lost());
    Await.until("GPU 3 lost", () -> inventory.current().orElseThrow().lostGpus().size() == 1);
    assertThat(inventory.current().orElseThrow().lostGpus().get(0).uuid()).contains(gpu3);

    node.clearFaults(gpu3);
    Await.until("GPU 3 back", () -> inventory.current().orElseThrow().gpus().size() == 4);
    assertThat(inventory.current().orElseThrow().lostGpus()).isEmpty();
  }

  @Test
  void aGpuUnreadableAtStartJoinsOnceItAnswers() {
    String gpu1 = node.deviceByIndex(1).uuid();
    node.inject(gpu1, new SimFault.Lost());
    assertThat(inventory.rebuild().gpus()).hasSize(3);
    watch(OFTEN);

    node.clearFaults(gpu1);

    Await.until("GPU 1 joined", () -> inventory.current().orElseThrow().gpus().size() == 4);
    assertThat(inventory.current().orElseThrow().gpus().get(1).uuid()).isEqualTo(gpu1);
  }

  @Test
  void migDevicesUnreadableWithoutPrivilegeAreReadAgainUntilTheyAnswer() {
    String gpu0 = node.deviceByIndex(0).uuid();
    node.inject(gpu0, new SimFault.Unprivileged());
    Inventory unprivileged = inventory.rebuild();
    assertThat(unprivileged.problems()).singleElement().asString().contains(gpu0);
    assertThat(unprivileged.gpus().get(0).migDevices()).isEmpty();
    watch(OFTEN);
    Await.until("two periodic checks", () -> watcher.checks() >= 2);
    assertThat(published).as("the same failed read is not published again").hasSize(1);

    node.clearFaults(gpu0); // e.g. the /dev/nvidia-caps nodes were mounted

    Await.until(
        "GPU 0's MIG devices read", () -> inventory.current().orElseThrow().problems().isEmpty());
    assertThat(inventory.current().orElseThrow().gpus().get(0).migDevices()).isNotEmpty();
  }

  @Test
  void unchangedHardwareIsCheckedButNotRebuilt() {
    inventory.rebuild();
    watch(OFTEN);

    Await.until("three periodic checks", () -> watcher.checks() >= 3);

    assertThat(published).hasSize(1);
  }

  @Test
  void closeStopsTheNamedThread() {
    inventory.rebuild();
    watch(NEVER);
    assertThat(threadAlive("gpu-agent-inventory")).isTrue();

    watcher.close();

    assertThat(threadAlive("gpu-agent-inventory")).isFalse();
  }

  private void watch(Duration interval) {
    watcher = new InventoryWatcher(node, inventory, interval);
    watcher.start();
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(thread -> thread.getName().equals(name) && thread.isAlive());
  }
}

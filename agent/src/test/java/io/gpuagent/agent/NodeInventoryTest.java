package io.gpuagent.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one rebuild path: read, publish, tell every listener; same hardware, nothing published. */
class NodeInventoryTest {
  private final SimulatedNode node =
      SimulatedNode.load("a100-mig", new SimOptions("test-node", 1, Clock.systemUTC()));
  private final NodeInventory inventory =
      new NodeInventory(new InventoryReader(node, Clock.systemUTC()));

  {
    node.init();
  }

  @AfterEach
  void stop() {
    node.shutdown();
  }

  @Test
  void aRebuildPublishesTheNewInventoryToEveryListenerInOrder() {
    List<String> calls = new CopyOnWriteArrayList<>();
    inventory.addListener(next -> calls.add("first " + next.gpus().size()));
    inventory.addListener(next -> calls.add("second " + next.gpus().size()));

    Inventory built = inventory.rebuild();

    assertThat(inventory.current()).containsSame(built);
    assertThat(calls).containsExactly("first 4", "second 4");
  }

  @Test
  void aRebuildThatFindsTheSameHardwarePublishesNothing() {
    List<Inventory> published = new CopyOnWriteArrayList<>();
    inventory.addListener(published::add);
    Inventory first = inventory.rebuild();

    Inventory again = inventory.rebuild();

    assertThat(again).isSameAs(first);
    assertThat(published).containsExactly(first);
  }

  @Test
  void aChangedLayoutIsPublished() {
    List<Inventory> published = new CopyOnWriteArrayList<>();
    inventory.addListener(published::add);
    inventory.rebuild();

    node.setMigLayout(node.deviceByIndex(2).uuid(), true, List.of("3g.40gb", "3g.40gb"));
    Inventory next = inventory.rebuild();

    assertThat(published).hasSize(2).last().isSameAs(next);
    assertThat(next.gpus().get(2).migDevices())
        .extracting(mig -> mig.profile())
        .containsExactly("3g.40gb", "3g.40gb");
  }

  @Test
  void aFailingListenerDoesNotKeepTheInventoryFromTheOthers() {
    List<Inventory> published = new CopyOnWriteArrayList<>();
    inventory.addListener(
        next -> {
          throw new IllegalStateException("broken consumer");
        });
    inventory.addListener(published::add);

    Inventory built = inventory.rebuild();

    assertThat(published).containsExactly(built);
  }
}

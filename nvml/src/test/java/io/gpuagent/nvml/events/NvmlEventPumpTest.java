package io.gpuagent.nvml.events;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.gpuagent.nvml.EventData;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.inventory.MigDevice;
import io.gpuagent.nvml.inventory.SimulatedInventories;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.testing.Await;
import io.gpuagent.testing.LogCapture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NvmlEventPumpTest {
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final Duration WAIT = Duration.ofMillis(20);

  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private SimulatedNode node;
  private NvmlEventPump pump;

  @AfterEach
  void stop() {
    if (pump != null) {
      pump.close();
    }
    if (node != null) {
      node.shutdown();
    }
  }

  @Test
  void xidOnOneGpuReachesEveryListenerOnce() throws InterruptedException {
    Inventory inventory = start("h100x8", NvmlEventPump.XID_AND_ECC);
    BlockingQueue<EventData> first = listen();
    BlockingQueue<EventData> second = listen();
    pump.onInventory(inventory);
    Await.until("all 8 GPUs registered", () -> pump.registeredGpus().size() == 8);

    String gpu3 = inventory.gpus().get(3).uuid();
    node.inject(gpu3, new SimFault.Xid(79));

    for (BlockingQueue<EventData> queue : Set.of(first, second)) {
      EventData event = queue.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(event).isNotNull();
      assertThat(event.device().uuid()).isEqualTo(gpu3);
      assertThat(event.type()).isEqualTo(EventType.XID_CRITICAL_ERROR);
      assertThat(event.data()).isEqualTo(79);
      assertThat(queue.poll(100, TimeUnit.MILLISECONDS)).as("delivered once").isNull();
    }
    assertThat(pump.eventsDelivered()).isEqualTo(1);
  }

  @Test
  void xidOnAMigDeviceArrivesThroughItsGpuWithTheInstanceIds() throws InterruptedException {
    Inventory inventory = start("a100-mig", NvmlEventPump.XID_AND_ECC);
    BlockingQueue<EventData> events = listen();
    pump.onInventory(inventory);
    Await.until("all 4 GPUs registered", () -> pump.registeredGpus().size() == 4);

    Gpu gpu0 = inventory.gpus().get(0);
    MigDevice mig = gpu0.migDevices().get(3);
    node.inject(mig.uuid(), new SimFault.Xid(94));

    EventData event = events.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(event).isNotNull();
    assertThat(event.device().uuid()).isEqualTo(gpu0.uuid());
    assertThat(event.data()).isEqualTo(94);
    assertThat(event.gpuInstanceId()).contains(mig.gpuInstanceId());
    assertThat(event.computeInstanceId()).contains(mig.computeInstanceId());
  }

  @Test
  void eccErrorsArriveAsTheirOwnEventTypes() throws InterruptedException {
    Inventory inventory = start("h100x8", NvmlEventPump.XID_AND_ECC);
    BlockingQueue<EventData> events = listen();
    pump.onInventory(inventory);
    Await.until("all 8 GPUs registered", () -> pump.registeredGpus().size() == 8);

    node.inject(inventory.gpus().get(0).uuid(), new SimFault.EccErrors(3, 1));

    Set<EventType> types = EnumSet.noneOf(EventType.class);
    for (int i = 0; i < 2; i++) {
      EventData event = events.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(event).isNotNull();
      types.add(event.type());
    }
    assertThat(types)
        .containsExactlyInAnyOrder(EventType.SINGLE_BIT_ECC_ERROR, EventType.DOUBLE_BIT_ECC_ERROR);
  }

  @Test
  void gpuSupportingNoneOfTheTypesIsLoggedOnceAndTheOthersRegister() {
    try (LogCapture logs = new LogCapture(EventRegistrations.class)) {
      // L40S has no MIG, so no MIG_CONFIG_CHANGE events; the A100s have them.
      Inventory inventory = start("pcie-mixed", EnumSet.of(EventType.MIG_CONFIG_CHANGE));
      pump.onInventory(inventory);
      Await.until("both A100s registered", () -> pump.registeredGpus().size() == 2);
      pump.onInventory(new InventoryReader(node, clock).read());
      Await.until("second inventory applied", () -> pump.inventoriesApplied() == 2);

      assertThat(pump.registeredGpus())
          .containsExactlyInAnyOrder(
              inventory.gpus().get(1).uuid(), inventory.gpus().get(3).uuid());
      assertThat(logs.messages(Level.INFO))
          .hasSize(2)
          .allSatisfy(line -> assertThat(line).contains("events-unavailable", "NVIDIA L40S"));
    }
  }

  @Test
  void lostGpuIsSkippedAndRegisteredAgainOnceItIsBack() throws InterruptedException {
    Inventory inventory = start("h100x8", NvmlEventPump.XID_AND_ECC);
    BlockingQueue<EventData> events = listen();
    String gpu2 = inventory.gpus().get(2).uuid();
    node.inject(gpu2, new SimFault.Lost());
    Inventory withLost = new InventoryReader(node, clock).read(Optional.of(inventory));
    pump.onInventory(withLost);
    Await.until("7 GPUs registered", () -> pump.registeredGpus().size() == 7);
    assertThat(pump.registeredGpus()).doesNotContain(gpu2);

    node.resetGpu(gpu2);
    pump.onInventory(new InventoryReader(node, clock).read());
    Await.until("GPU 2 registered after its reset", () -> pump.registeredGpus().contains(gpu2));
    node.inject(gpu2, new SimFault.Xid(48));

    EventData event = events.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(event).isNotNull();
    assertThat(event.device().uuid()).isEqualTo(gpu2);
    assertThat(event.data()).isEqualTo(48);
  }

  @Test
  void failingListenerDoesNotStopTheOthers() throws InterruptedException {
    Inventory inventory = start("h100x8", NvmlEventPump.XID_AND_ECC);
    pump.addListener(
        event -> {
          throw new IllegalStateException("listener bug");
        });
    BlockingQueue<EventData> events = listen();
    try (LogCapture logs = new LogCapture(NvmlEventPump.class)) {
      pump.onInventory(inventory);
      Await.until("all 8 GPUs registered", () -> pump.registeredGpus().size() == 8);
      node.inject(inventory.gpus().get(0).uuid(), new SimFault.Xid(13));
      node.inject(inventory.gpus().get(1).uuid(), new SimFault.Xid(31));

      assertThat(events.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
      assertThat(events.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
      assertThat(logs.messages(Level.ERROR)).hasSize(2);
    }
  }

  @Test
  void closeStopsTheThreadPromptlyAndFreesTheSet() {
    Inventory inventory = start("h100x8", NvmlEventPump.XID_AND_ECC);
    pump.onInventory(inventory);
    Await.until("all 8 GPUs registered", () -> pump.registeredGpus().size() == 8);

    Await.returns("close", pump::close);

    assertThat(threadAlive("gpu-agent-nvml-events")).isFalse();
    assertThat(pump.registeredGpus()).isEmpty();
    pump.close(); // idempotent
  }

  @Test
  void migRelayoutReachesListenersAsMigConfigChangeEvents() throws InterruptedException {
    Inventory inventory = start("a100-mig", NvmlEventPump.AGENT_EVENTS);
    BlockingQueue<EventData> events = listen();
    pump.onInventory(inventory);
    Await.until("all 4 GPUs registered", () -> pump.registeredGpus().size() == 4);

    node.setMigLayout(inventory.gpus().get(2).uuid(), true, List.of("3g.40gb"));

    EventData event = events.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(event).isNotNull();
    assertThat(event.type()).isEqualTo(EventType.MIG_CONFIG_CHANGE);
    assertThat(event.device().uuid()).isEqualTo(inventory.gpus().get(2).uuid());
  }

  @Test
  void closeBeforeAnyInventoryIsPrompt() {
    start("h100x8", NvmlEventPump.XID_AND_ECC);
    Await.returns("close", pump::close);
    assertThat(threadAlive("gpu-agent-nvml-events")).isFalse();
  }

  private Inventory start(String profile, Set<EventType> wanted) {
    SimulatedInventories started =
        new SimulatedInventories(profile, new SimOptions("events-node", 7, clock));
    node = started.node;
    pump = new NvmlEventPump(node, wanted, WAIT);
    pump.start();
    return started.current();
  }

  private BlockingQueue<EventData> listen() {
    BlockingQueue<EventData> queue = new LinkedBlockingQueue<>();
    pump.addListener(queue::add);
    return queue;
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(thread -> thread.getName().equals(name) && thread.isAlive());
  }
}

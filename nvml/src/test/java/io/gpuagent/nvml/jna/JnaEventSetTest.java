package io.gpuagent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.nvml.EventData;
import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.events.NvmlEventPump;
import io.gpuagent.nvml.inventory.InventoryReader;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JnaEventSetTest {

  private static final Duration WAIT = Duration.ofMillis(100);

  private final FakeNvml.Control fake = FakeNvml.control(FakeNvml.library());
  private JnaNvml nvml;
  private NvmlDevice gpu;
  private NvmlDevice migGpu;

  @BeforeEach
  void start() {
    nvml = FakeNvml.freshNvml();
    gpu = nvml.deviceByIndex(FakeNvml.FULL);
    migGpu = nvml.deviceByIndex(FakeNvml.MIG);
  }

  @AfterEach
  void stop() {
    nvml.shutdown();
  }

  @Test
  void supportedEventTypesRoundTrip() {
    assertThat(gpu.supportedEventTypes())
        .containsExactlyInAnyOrder(
            EventType.SINGLE_BIT_ECC_ERROR,
            EventType.DOUBLE_BIT_ECC_ERROR,
            EventType.XID_CRITICAL_ERROR);
    assertThat(migGpu.supportedEventTypes())
        .containsExactlyInAnyOrder(EventType.XID_CRITICAL_ERROR, EventType.MIG_CONFIG_CHANGE);
  }

  @Test
  void theAgentsPumpRegistersMigConfigChangesWhereTheDriverSupportsThem()
      throws InterruptedException {
    BlockingQueue<EventData> received = new LinkedBlockingQueue<>();
    try (NvmlEventPump pump =
        new NvmlEventPump(nvml, NvmlEventPump.AGENT_EVENTS, Duration.ofMillis(20))) {
      pump.addListener(received::add);
      pump.start();
      pump.onInventory(new InventoryReader(nvml, Clock.systemUTC()).read());
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!pump.registeredGpus().contains(migGpu.uuid()) && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      assertThat(pump.registeredGpus()).contains(gpu.uuid(), migGpu.uuid());

      fake.fake_nvml_queue_event(FakeNvml.MIG, 0x100L, 0, FakeNvml.NO_ID, FakeNvml.NO_ID);

      EventData event = received.poll(5, TimeUnit.SECONDS);
      assertThat(event).isNotNull();
      assertThat(event.type()).isEqualTo(EventType.MIG_CONFIG_CHANGE);
      assertThat(event.device()).isEqualTo(migGpu);
    }
  }

  @Test
  void xidOnAGpuArrivesWithoutInstanceIds() {
    try (EventSet events = nvml.createEventSet()) {
      gpu.registerEvents(events, Set.of(EventType.XID_CRITICAL_ERROR));
      assertThat(fake.fake_nvml_queue_event(0, FakeNvml.XID, 79, FakeNvml.NO_ID, FakeNvml.NO_ID))
          .isEqualTo(1);

      assertThat(events.await(WAIT))
          .contains(
              new EventData(
                  gpu, EventType.XID_CRITICAL_ERROR, 79, Optional.empty(), Optional.empty()));
    }
  }

  @Test
  void xidOnAMigInstanceArrivesWithItsInstanceIds() {
    try (EventSet events = nvml.createEventSet()) {
      migGpu.registerEvents(events, Set.of(EventType.XID_CRITICAL_ERROR));
      fake.fake_nvml_queue_event(1, FakeNvml.XID, 94, 7, 0);

      EventData event = events.await(WAIT).orElseThrow();

      assertThat(event.device()).isSameAs(migGpu);
      assertThat(event.data()).isEqualTo(94);
      assertThat(event.gpuInstanceId()).contains(7);
      assertThat(event.computeInstanceId()).contains(0);
    }
  }

  @Test
  void eventOnAMigDeviceHandleMapsToThatMigDevice() {
    try (EventSet events = nvml.createEventSet()) {
      migGpu.registerEvents(events, Set.of(EventType.XID_CRITICAL_ERROR));
      fake.fake_nvml_queue_mig_event(1, 1, FakeNvml.XID, 31);

      EventData event = events.await(WAIT).orElseThrow();

      assertThat(event.device().isMigDevice()).isTrue();
      assertThat(event.device().uuid()).isEqualTo("MIG-feed0001-0001-4000-8000-000000000001");
      assertThat(event.device().index()).isEqualTo(1);
      assertThat(event.gpuInstanceId()).contains(1);
      assertThat(event.computeInstanceId()).contains(1);
    }
  }

  @Test
  void queuedEventsComeInOrderThenTimeoutIsEmpty() {
    try (EventSet events = nvml.createEventSet()) {
      gpu.registerEvents(events, Set.of(EventType.XID_CRITICAL_ERROR));
      migGpu.registerEvents(events, Set.of(EventType.XID_CRITICAL_ERROR));
      fake.fake_nvml_queue_event(0, FakeNvml.XID, 48, FakeNvml.NO_ID, FakeNvml.NO_ID);
      fake.fake_nvml_queue_event(1, FakeNvml.XID, 63, 1, 0);

      assertThat(events.await(WAIT)).map(EventData::data).contains(48L);
      assertThat(events.await(WAIT)).map(EventData::data).contains(63L);
      assertThat(events.await(WAIT)).isEmpty();
    }
  }

  @Test
  void unregisteredTypesAreNotDelivered() {
    try (EventSet events = nvml.createEventSet()) {
      gpu.registerEvents(events, Set.of(EventType.DOUBLE_BIT_ECC_ERROR));

      assertThat(fake.fake_nvml_queue_event(0, FakeNvml.XID, 13, FakeNvml.NO_ID, FakeNvml.NO_ID))
          .isZero();
      assertThat(events.await(Duration.ZERO)).isEmpty();
    }
  }

  @Test
  void registeringAnUnsupportedTypeIsRefused() {
    try (EventSet events = nvml.createEventSet()) {
      assertThatThrownBy(() -> gpu.registerEvents(events, Set.of(EventType.PSTATE)))
          .isInstanceOfSatisfying(
              NvmlException.class, e -> assertThat(e.code()).isEqualTo(NvmlReturn.NOT_SUPPORTED));
    }
  }

  @Test
  void closeFreesTheSetOnce() {
    EventSet events = nvml.createEventSet();
    assertThat(fake.fake_nvml_live_event_sets()).isEqualTo(1);

    events.close();
    events.close();

    assertThat(fake.fake_nvml_live_event_sets()).isZero();
    assertThat(fake.fake_nvml_calls("nvmlEventSetFree")).isEqualTo(1);
    assertThatThrownBy(() -> events.await(WAIT)).isInstanceOf(IllegalStateException.class);
  }
}

package io.gpuagent.nvml.sim;

import static io.gpuagent.nvml.sim.MigPlacementTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.EventData;
import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.testing.ManualClock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimEventsTest {
  private static final Duration SHORT = Duration.ofMillis(20);
  private static final Set<EventType> XID = EnumSet.of(EventType.XID_CRITICAL_ERROR);

  private final ManualClock clock = new ManualClock();
  private final SimulatedNode node = SimNodes.started("a100-mig", clock);

  @Test
  void xidOnAGpuReachesEverySetThatRegisteredItForXids() {
    NvmlDevice gpu = node.deviceByIndex(3);
    try (EventSet first = node.createEventSet();
        EventSet second = node.createEventSet();
        EventSet other = node.createEventSet()) {
      gpu.registerEvents(first, XID);
      gpu.registerEvents(second, XID);
      node.deviceByIndex(2).registerEvents(other, XID);

      node.inject(gpu.uuid(), new SimFault.Xid(79));

      EventData event = first.await(Duration.ofSeconds(5)).orElseThrow();
      assertThat(event.device()).isSameAs(gpu);
      assertThat(event.type()).isEqualTo(EventType.XID_CRITICAL_ERROR);
      assertThat(event.data()).isEqualTo(79);
      assertThat(event.gpuInstanceId()).isEmpty();
      assertThat(event.computeInstanceId()).isEmpty();
      assertThat(second.await(Duration.ofSeconds(5))).isPresent();
      assertThat(other.await(SHORT)).isEmpty();
    }
  }

  @Test
  void xidOnAMigDeviceCarriesItsInstanceIdsAndNamesTheParentGpu() {
    NvmlDevice gpu = node.deviceByIndex(0);
    NvmlDevice mig = gpu.migDevice(1).orElseThrow();
    NvmlDevice otherMig = gpu.migDevice(2).orElseThrow();
    try (EventSet onGpu = node.createEventSet();
        EventSet onMig = node.createEventSet();
        EventSet onOtherMig = node.createEventSet()) {
      gpu.registerEvents(onGpu, XID);
      mig.registerEvents(onMig, XID);
      otherMig.registerEvents(onOtherMig, XID);

      node.inject(mig.uuid(), new SimFault.Xid(31));

      for (EventSet set : new EventSet[] {onGpu, onMig}) {
        EventData event = set.await(Duration.ofSeconds(5)).orElseThrow();
        assertThat(event.device()).isSameAs(gpu);
        assertThat(event.data()).isEqualTo(31);
        assertThat(event.gpuInstanceId()).contains(mig.gpuInstanceId());
        assertThat(event.computeInstanceId()).contains(mig.computeInstanceId());
      }
      assertThat(onOtherMig.await(SHORT)).isEmpty();
    }
  }

  @Test
  void awaitTimesOutEmptyWithoutAnEvent() {
    try (EventSet set = node.createEventSet()) {
      node.deviceByIndex(3).registerEvents(set, XID);
      long start = System.nanoTime();

      assertThat(set.await(Duration.ofMillis(50))).isEmpty();
      assertThat(System.nanoTime() - start)
          .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(45));
    }
  }

  @Test
  void awaitWakesUpWhenAnEventArrives() throws Exception {
    NvmlDevice gpu = node.deviceByIndex(3);
    try (EventSet set = node.createEventSet()) {
      gpu.registerEvents(set, XID);
      CompletableFuture<Optional<EventData>> waiting =
          CompletableFuture.supplyAsync(() -> set.await(Duration.ofSeconds(30)));

      node.inject(gpu.uuid(), new SimFault.Xid(48));

      assertThat(waiting.get(10, TimeUnit.SECONDS).map(EventData::data)).contains(48L);
    }
  }

  @Test
  void eventsBeforeRegistrationAreNotDelivered() {
    NvmlDevice gpu = node.deviceByIndex(3);
    node.inject(gpu.uuid(), new SimFault.Xid(13));
    try (EventSet set = node.createEventSet()) {
      gpu.registerEvents(set, XID);

      assertThat(set.await(SHORT)).isEmpty();
    }
  }

  @Test
  void eccErrorsRaiseSingleAndDoubleBitEvents() {
    NvmlDevice gpu = node.deviceByIndex(2);
    try (EventSet set = node.createEventSet()) {
      gpu.registerEvents(
          set, EnumSet.of(EventType.SINGLE_BIT_ECC_ERROR, EventType.DOUBLE_BIT_ECC_ERROR));

      node.inject(gpu.uuid(), new SimFault.EccErrors(3, 1));

      assertThat(set.await(Duration.ofSeconds(5)).map(EventData::type))
          .contains(EventType.SINGLE_BIT_ECC_ERROR);
      assertThat(set.await(Duration.ofSeconds(5)).map(EventData::type))
          .contains(EventType.DOUBLE_BIT_ECC_ERROR);
    }
  }

  @Test
  void registeringAnUnsupportedTypeIsRefusedAndRegistersNothing() {
    NvmlDevice mig = node.deviceByIndex(0).migDevice(0).orElseThrow();
    SimulatedNode pcie = SimNodes.started("pcie-mixed", clock);
    try (EventSet set = node.createEventSet();
        EventSet pcieSet = pcie.createEventSet()) {
      assertRefused(
          () ->
              mig.registerEvents(
                  set, EnumSet.of(EventType.XID_CRITICAL_ERROR, EventType.SINGLE_BIT_ECC_ERROR)),
          NvmlReturn.NOT_SUPPORTED);
      assertRefused(
          () ->
              pcie.deviceByIndex(0)
                  .registerEvents(pcieSet, EnumSet.of(EventType.MIG_CONFIG_CHANGE)),
          NvmlReturn.NOT_SUPPORTED);
      assertRefused(
          () -> pcie.deviceByIndex(0).registerEvents(set, XID), NvmlReturn.INVALID_ARGUMENT);

      node.inject(mig.uuid(), new SimFault.Xid(43));
      assertThat(set.await(SHORT)).isEmpty();
    }
  }

  @Test
  void migLayoutChangesRaiseMigConfigChangeEvents() {
    NvmlDevice gpu = node.deviceByIndex(1);
    try (EventSet set = node.createEventSet()) {
      gpu.registerEvents(set, EnumSet.of(EventType.MIG_CONFIG_CHANGE));

      gpu.gpuInstanceById(13).computeInstances(0).get(0).destroy();

      assertThat(set.await(Duration.ofSeconds(5)).map(EventData::type))
          .contains(EventType.MIG_CONFIG_CHANGE);
    }
  }
}

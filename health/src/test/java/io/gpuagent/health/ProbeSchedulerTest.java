package io.gpuagent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.health.probe.ProbeKind;
import io.gpuagent.health.probe.ProbeRequest;
import io.gpuagent.health.probe.SimulatedProbeRunner;
import io.gpuagent.nvml.ComputeMode;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.MigDevice;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When probes run: staggered, idle devices only by default, one per GPU at a time. */
class ProbeSchedulerTest {
  private static final Duration EIGHT_MINUTES = Duration.ofMinutes(8);

  private SimHealth sim;
  private final AtomicReference<GatedProbeRunner> runner = new AtomicReference<>();

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private SimHealth start(String profile, ProbeMode mode, boolean gated) {
    return start(profile, mode, gated, uuid -> false);
  }

  private SimHealth start(
      String profile, ProbeMode mode, boolean gated, Predicate<String> heldByPod) {
    HealthConfig config =
        SimHealth.CONFIG
            .withProbeMode(mode)
            .withProbeInterval(EIGHT_MINUTES)
            .withProbeDeadline(Duration.ofSeconds(5));
    sim =
        new SimHealth(
            profile,
            config,
            node -> {
              runner.set(new GatedProbeRunner(new SimulatedProbeRunner(node), gated));
              return runner.get();
            },
            heldByPod);
    return sim;
  }

  @Test
  void firstRoundIsStaggeredAcrossTheInterval() {
    start("h100x8", ProbeMode.ALWAYS, false);
    Instant t0 = sim.clock.instant();

    sim.health.startDueProbes();
    Await.until("one probe", () -> runner.get().finished() == 1);

    assertThat(runner.get().devices()).containsExactly(sim.gpu(0).uuid());
    Map<String, Instant> due = sim.health.scheduler().dueTimes();
    for (int i = 1; i < 8; i++) {
      assertThat(due.get(sim.gpu(i).uuid())).isEqualTo(t0.plus(Duration.ofMinutes(i)));
    }
    assertThat(due.get(sim.gpu(0).uuid())).isEqualTo(t0.plus(EIGHT_MINUTES));

    sim.clock.advance(Duration.ofMinutes(1));
    sim.health.startDueProbes();
    Await.until("a second probe", () -> runner.get().finished() == 2);
    assertThat(runner.get().devices()).containsExactly(sim.gpu(0).uuid(), sim.gpu(1).uuid());
  }

  @Test
  void idleOnlySkipsADeviceWithAComputeProcessUntilItIsIdle() {
    start("h100x8", ProbeMode.IDLE_ONLY, false);
    String busy = sim.gpu(4).uuid();
    sim.node.inject(busy, new SimFault.Process(4242, 1L << 30, 50));
    sim.health.startDueProbes(); // first sight: every device gets its due time
    Await.until("GPU 0 probed", () -> runner.get().finished() == 1);
    sim.clock.advance(EIGHT_MINUTES);

    sim.health.startDueProbes();
    Await.until("the 7 idle GPUs probed", () -> runner.get().finished() == 8);
    assertThat(runner.get().devices()).doesNotContain(busy);

    Await.until("GPU 4's look finished", () -> !sim.health.scheduler().busy());
    sim.node.clearFaults(busy);
    sim.health.startDueProbes();
    Await.until("GPU 4 probed once idle", () -> runner.get().finished() == 9);
    assertThat(runner.get().devices()).containsOnlyOnce(busy);
  }

  @Test
  void idleOnlyLooksAtTheMigDevicesOwnProcesses() {
    start("a100-mig", ProbeMode.IDLE_ONLY, false);
    Gpu gpu1 = sim.gpu(1);
    MigDevice busy = gpu1.migDevices().get(0);
    sim.node.inject(busy.uuid(), new SimFault.Process(4242, 1L << 30, 50));
    sim.health.startDueProbes();
    Await.until("the first device probed", () -> runner.get().finished() == 1);

    for (int round = 0; round < 4; round++) {
      sim.clock.advance(EIGHT_MINUTES);
      int before = runner.get().finished();
      sim.health.startDueProbes();
      Await.until("a round of probes", () -> runner.get().finished() > before);
      Await.until("the round finished", () -> !sim.health.scheduler().busy());
    }

    assertThat(runner.get().devices()).doesNotContain(busy.uuid());
    assertThat(runner.get().devices())
        .contains(gpu1.migDevices().get(1).uuid(), gpu1.migDevices().get(2).uuid());
  }

  @Test
  void atMostOneProbeRunsPerGpuAndMigDevicesTakeTurns() {
    start("a100-mig", ProbeMode.ALWAYS, true);
    sim.health.startDueProbes();
    Await.until("GPU 0's first MIG device probed", () -> runner.get().requests().size() == 1);
    runner.get().release(1);
    Await.until("it finished", () -> runner.get().finished() == 1);
    // the runner counts before the scheduler books the probe's next due time
    Await.until("it was booked", () -> !sim.health.scheduler().busy());
    sim.clock.advance(EIGHT_MINUTES.multipliedBy(2));

    sim.health.startDueProbes();
    // every device is due, but each GPU runs one probe: 2 MIG GPUs + 2 whole GPUs
    Await.until("one probe per GPU", () -> runner.get().requests().size() == 5);
    sim.health.startDueProbes();
    assertThat(runner.get().requests()).hasSize(5);
    assertThat(runner.get().devices().subList(1, 5))
        .containsExactlyInAnyOrder(
            sim.gpu(0).migDevices().get(1).uuid(),
            sim.gpu(1).migDevices().get(0).uuid(),
            sim.gpu(2).uuid(),
            sim.gpu(3).uuid());

    runner.get().release(4);
    Await.until("the four finished", () -> runner.get().finished() == 5);
    Await.until("no GPU busy", () -> !sim.health.scheduler().busy());
    sim.health.startDueProbes();
    Await.until("the next MIG devices' turn", () -> runner.get().requests().size() == 7);
    runner.get().release(2);
  }

  @Test
  void aLostGpuIsNotProbedSoItsReasonStaysGpuLost() {
    start("h100x8", ProbeMode.ALWAYS, false);
    String lost = sim.gpu(0).uuid();
    sim.node.inject(lost, new SimFault.Lost());
    sim.health.checkNow();

    sim.health.startDueProbes();
    sim.clock.advance(EIGHT_MINUTES);
    sim.health.startDueProbes();
    Await.until("the 7 other GPUs probed", () -> runner.get().finished() == 7);

    assertThat(runner.get().devices()).doesNotContain(lost);
    assertThat(sim.reason(lost)).contains(HealthReason.GPU_LOST);
  }

  @Test
  void aDeviceAPodHoldsIsNotProbedWhileItsGpuIsInExclusiveProcessMode() {
    Set<String> held = ConcurrentHashMap.newKeySet();
    start("h100x8", ProbeMode.ALWAYS, false, held::contains);
    held.add(sim.gpu(3).uuid());
    held.add(sim.gpu(4).uuid());
    String exclusiveHeld = sim.gpu(3).uuid();
    String sharedHeld = sim.gpu(4).uuid();
    String exclusiveFree = sim.gpu(5).uuid();
    sim.node.setComputeMode(exclusiveHeld, ComputeMode.EXCLUSIVE_PROCESS);
    sim.node.setComputeMode(exclusiveFree, ComputeMode.EXCLUSIVE_PROCESS);
    Instant t0 = sim.clock.instant();

    sim.health.startDueProbes();
    Await.until("GPU 0 probed", () -> runner.get().finished() == 1);
    sim.clock.advance(EIGHT_MINUTES);
    sim.health.startDueProbes();
    Await.until("the 7 other devices probed", () -> runner.get().finished() == 8);
    Await.until("the held GPU's look finished", () -> !sim.health.scheduler().busy());

    assertThat(runner.get().devices())
        .doesNotContain(exclusiveHeld)
        .contains(sharedHeld, exclusiveFree);
    assertThat(sim.health.scheduler().dueTimes().get(exclusiveHeld))
        .as("still due")
        .isEqualTo(t0.plus(Duration.ofMinutes(3)));
  }

  @Test
  void anExclusiveProcessGpuWithAProcessIsNotProbedEvenInAlwaysMode() {
    start("h100x8", ProbeMode.ALWAYS, false);
    // a pod's process the podresources poll has not attributed yet
    String busy = sim.gpu(2).uuid();
    sim.node.setComputeMode(busy, ComputeMode.EXCLUSIVE_PROCESS);
    sim.node.inject(busy, new SimFault.Process(4242, 1L << 30, 50));
    String shared = sim.gpu(3).uuid();
    sim.node.inject(shared, new SimFault.Process(4343, 1L << 30, 50));

    sim.health.startDueProbes();
    Await.until("GPU 0 probed", () -> runner.get().finished() == 1);
    sim.clock.advance(EIGHT_MINUTES);
    sim.health.startDueProbes();
    List<String> others =
        sim.inventory().gpus().stream().map(Gpu::uuid).filter(uuid -> !uuid.equals(busy)).toList();
    Await.until(
        "every GPU but the busy one probed", () -> runner.get().devices().containsAll(others));
    Await.until("the busy GPU's look finished", () -> !sim.health.scheduler().busy());

    assertThat(runner.get().devices()).doesNotContain(busy).contains(shared);
  }

  @Test
  void theProbeIntervalIsHonouredWhateverTheHealthInterval() {
    start("h100x8", ProbeMode.ALWAYS, false);
    Instant t0 = sim.clock.instant();
    // the health interval is a minute (SimHealth.CONFIG); probes are due every 8 minutes, the
    // first round staggered a minute apart
    sim.health.startDueProbes();
    Await.until("GPU 0 probed", () -> runner.get().finished() == 1);
    assertThat(sim.health.scheduler().untilNextCheck(t0)).isEqualTo(Duration.ofMinutes(1));
    assertThat(sim.health.scheduler().untilNextCheck(t0.plusSeconds(40)))
        .isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void probesKeepTheirCadenceWhenTheHealthIntervalIsLonger() {
    HealthConfig config =
        SimHealth.CONFIG
            .withInterval(Duration.ofHours(1))
            .withProbeMode(ProbeMode.ALWAYS)
            .withProbeInterval(Duration.ofMillis(50))
            .withProbeDeadline(Duration.ofSeconds(5));
    sim =
        new SimHealth(
            "h100x8",
            config,
            node -> {
              runner.set(new GatedProbeRunner(new SimulatedProbeRunner(node), false));
              return runner.get();
            });
    String gpu0 = sim.gpu(0).uuid();
    sim.health.start();

    // The health loop's next cycle is an hour away: only the probes' own cadence starts these.
    // Each look moves the test's clock on by one probe interval.
    Await.until(
        "GPU 0 probed three times before the second health cycle",
        () -> {
          sim.clock.advance(Duration.ofMillis(50));
          return runner.get().devices().stream().filter(gpu0::equals).count() >= 3;
        });
  }

  @Test
  void neverModeSchedulesNothingButProbeNowStillRuns() {
    start("h100x8", ProbeMode.NEVER, false);
    sim.clock.advance(Duration.ofHours(1));

    sim.health.startDueProbes();
    assertThat(sim.health.scheduler().dueTimes()).isEmpty();
    assertThat(runner.get().requests()).isEmpty();

    sim.health.probeNow(sim.gpu(2).uuid());
    assertThat(runner.get().devices()).containsExactly(sim.gpu(2).uuid());
  }

  @Test
  void probesAlternateMemoryAndComputeWithTheConfiguredSizeAndDeadline() {
    start("h100x8", ProbeMode.NEVER, false);
    String gpu = sim.gpu(3).uuid();

    for (int i = 0; i < 3; i++) {
      sim.health.probeNow(gpu);
    }

    assertThat(runner.get().requests())
        .extracting(ProbeRequest::kind)
        .containsExactly(ProbeKind.MEMORY, ProbeKind.COMPUTE, ProbeKind.MEMORY);
    assertThat(runner.get().requests().get(0))
        .isEqualTo(new ProbeRequest(gpu, ProbeKind.MEMORY, 0, Duration.ofSeconds(5)));
  }

  @Test
  void probeNowRefusesAGpuInMigModeAnUnknownDeviceAndABusyGpu() {
    start("a100-mig", ProbeMode.ALWAYS, true);
    assertThatThrownBy(() -> sim.health.probeNow(sim.gpu(0).uuid()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(sim.gpu(0).uuid() + " is in MIG mode: probe one of its MIG devices instead");
    assertThatThrownBy(() -> sim.health.probeNow("GPU-nope"))
        .hasMessage("no GPU or MIG device GPU-nope in the inventory");

    sim.health.startDueProbes();
    Await.until("a probe holds GPU 0", () -> runner.get().requests().size() == 1);
    String sibling = sim.gpu(0).migDevices().get(3).uuid();
    assertThatThrownBy(() -> sim.health.probeNow(sibling))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a probe already runs on GPU " + sim.gpu(0).uuid());
    runner.get().release(1);
  }
}

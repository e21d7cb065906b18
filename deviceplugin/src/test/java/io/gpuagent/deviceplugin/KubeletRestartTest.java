package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.deviceplugin.FakeKubelet.Registration;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.MigDevice;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KubeletRestartTest {
  private static final List<String> A100_MIXED = PluginFixture.A100_MIXED;

  @RegisterExtension final PluginFixtures fixtures = new PluginFixtures();

  private PluginFixture fixture;

  @Test
  void reRegistersEveryResourceAfterEachOfTwentyKubeletRestarts() {
    fixture = fixtures.open("a100-mig");
    DevicePluginService service = fixture.start(MigStrategy.MIXED);
    A100_MIXED.forEach(fixture.kubelet::awaitRegistration);

    for (int restart = 1; restart <= 20; restart++) {
      fixture.kubelet.restart();
      int incarnation = fixture.kubelet.incarnation();

      for (String resource : A100_MIXED) {
        Registration registration = fixture.kubelet.awaitRegistration(resource);
        assertThat(fixture.dir.resolve(registration.request().getEndpoint())).exists();
      }
      assertThat(
              fixture.kubelet.plugin("nvidia.com/mig-1g.10gb").awaitFirstList().getDevicesCount())
          .as("restart %d", restart)
          .isEqualTo(3);
      assertThat(fixture.kubelet.registrations())
          .filteredOn(r -> r.incarnation() == incarnation)
          .hasSize(A100_MIXED.size());
    }
    Await.until(
        "every resource registered in status",
        () -> service.status().resources().stream().allMatch(r -> r.registered()));
  }

  @Test
  void aKubeletRestartIsReportedOnceItsResourcesAreRegisteredAgain() {
    fixture = fixtures.open("a100-mig");
    DevicePluginService service = fixture.start(MigStrategy.MIXED);
    A100_MIXED.forEach(fixture.kubelet::awaitRegistration);
    AtomicInteger restarts = new AtomicInteger();
    service.onKubeletRestart(restarts::incrementAndGet);

    fixture.kubelet.restart();

    Await.until("the restart reported", () -> restarts.get() == 1);
    A100_MIXED.forEach(fixture.kubelet::awaitRegistration);
    assertThat(restarts.get()).isEqualTo(1);
  }

  @Test
  void registersWhenKubeletSocketAppearsLate() {
    fixture = fixtures.open("h100x8", false);
    DevicePluginService service = fixture.start(MigStrategy.NONE);
    Await.until(
        "the missing kubelet.sock noted",
        () -> service.status().resources().get(0).lastRegistrationError().isPresent());
    assertThat(service.status().resources().get(0).registered()).isFalse();
    assertThat(service.status().resources().get(0).lastRegistrationError().get())
        .endsWith("kubelet.sock does not exist");

    fixture.kubelet.serve();

    Registration registration = fixture.kubelet.awaitRegistration("nvidia.com/gpu");
    assertThat(registration.atNanos()).isGreaterThan(fixture.kubelet.startedAtNanos());
    assertThat(fixture.kubelet.plugin("nvidia.com/gpu").awaitFirstList().getDevicesCount())
        .isEqualTo(8);
    Await.until("registered in status", () -> service.status().resources().get(0).registered());
    assertThat(service.status().resources().get(0).lastRegistrationError()).isEmpty();
  }

  @Test
  void retriesARefusedRegistrationWithADoublingBackOff() {
    fixture = fixtures.open("h100x8", false);
    fixture.kubelet.refuseNext(3);
    fixture.kubelet.serve();

    DevicePluginService service = fixture.start(MigStrategy.NONE);

    Registration registration = fixture.kubelet.awaitRegistration("nvidia.com/gpu");
    // Three refusals, then the registration: 20, 40 and 80 ms of back-off between the attempts
    // (how fast that is on the whole belongs to bench/, not to this test).
    List<Long> attempts = new ArrayList<>(fixture.kubelet.refusedAtNanos());
    assertThat(attempts).hasSize(3);
    attempts.add(registration.atNanos());
    for (int i = 1; i < attempts.size(); i++) {
      assertThat(Duration.ofNanos(attempts.get(i) - attempts.get(i - 1)))
          .as("wait before attempt %d", i + 1)
          .isGreaterThanOrEqualTo(KubeletRegistrar.FIRST_RETRY.multipliedBy(1L << (i - 1)));
    }
    Await.until("registered in status", () -> service.status().resources().get(0).registered());
  }

  @Test
  void aPluginSocketDeletedUnderTheServiceIsServedAndRegisteredAgain() throws IOException {
    fixture = fixtures.open("a100-mig");
    fixture.start(MigStrategy.MIXED);
    A100_MIXED.forEach(fixture.kubelet::awaitRegistration);
    Path socket = fixture.dir.resolve("gpu-agent-nvidia.com-mig-2g.20gb.sock");
    int before = fixture.kubelet.registrations().size();

    Files.delete(socket);

    Await.until(
        "mig-2g.20gb registered again", () -> fixture.kubelet.registrations().size() > before);
    assertThat(
            fixture.kubelet.registrations().subList(before, fixture.kubelet.registrations().size()))
        .extracting(r -> r.request().getResourceName())
        .containsExactly("nvidia.com/mig-2g.20gb");
    assertThat(socket).exists();
    assertThat(fixture.kubelet.plugin("nvidia.com/mig-2g.20gb").awaitFirstList().getDevicesCount())
        .isEqualTo(2);
  }

  @Test
  void aLostGpuKeepsItsMigDevicesUnhealthyAndAResetWithdrawsVanishedProfiles() {
    fixture = fixtures.open("a100-mig");
    DevicePluginService service = fixture.start(MigStrategy.MIXED);
    Gpu gpu0 = fixture.node.current().gpus().get(0);
    Gpu gpu2 = fixture.node.current().gpus().get(2);
    PluginClient large = fixture.kubelet.plugin("nvidia.com/mig-3g.40gb");
    large.awaitFirstList();
    HealthState xid79 = new HealthState.Unhealthy(HealthReason.XID, "xid=79", Instant.EPOCH);
    service.onHealth(Map.of(gpu2.uuid(), xid79));

    fixture.node.node.inject(gpu0.uuid(), new SimFault.Lost());
    // the health module marks a lost GPU and the MIG devices it had; the plan keeps them named
    HealthState lostState =
        new HealthState.Unhealthy(
            HealthReason.GPU_LOST, "inventory: NVML_ERROR_GPU_IS_LOST", Instant.EPOCH);
    Map<String, HealthState> verdicts = new HashMap<>();
    verdicts.put(gpu2.uuid(), xid79);
    verdicts.put(gpu0.uuid(), lostState);
    gpu0.migDevices().forEach(mig -> verdicts.put(mig.uuid(), lostState));
    service.onHealth(verdicts);
    service.rebuild(fixture.node.reread());

    String large0 = migOf(gpu0, "3g.40gb");
    ListAndWatchResponse lost =
        large.awaitList(
            "GPU 0's 3g.40gb unhealthy",
            list -> "Unhealthy".equals(PluginClient.healthById(list).get(large0)));
    assertThat(lost.getDevicesCount()).isEqualTo(1);
    assertThat(DevicePluginServiceTest.device(service, large0).health())
        .isInstanceOfSatisfying(
            HealthState.Unhealthy.class,
            h -> assertThat(h.reason()).isEqualTo(HealthReason.GPU_LOST));
    assertThat(DevicePluginServiceTest.device(service, gpu2.uuid()).health().isHealthy()).isFalse();

    fixture.node.node.clearFaults(gpu0.uuid());
    fixture.node.node.resetGpu(gpu0.uuid());
    Inventory afterReset = fixture.node.reread();
    service.rebuild(afterReset);

    // The reset destroyed GPU 0's MIG instances: 3g.40gb existed only there.
    assertThat(service.status().resources())
        .extracting(r -> r.resourceName())
        .doesNotContain("nvidia.com/mig-3g.40gb")
        .contains("nvidia.com/mig-1g.10gb", "nvidia.com/mig-4g.40gb");
    assertThat(fixture.dir.resolve("gpu-agent-nvidia.com-mig-3g.40gb.sock")).doesNotExist();
    Await.until("the withdrawn resource's stream ended", large::streamEnded);
    assertThat(DevicePluginServiceTest.device(service, gpu2.uuid()).health().isHealthy()).isFalse();
    assertThat(
            fixture
                .kubelet
                .plugin("nvidia.com/mig-1g.10gb")
                .awaitList("only GPU 1's 1g.10gb left", list -> list.getDevicesCount() == 1))
        .isNotNull();
  }

  private static String migOf(Gpu gpu, String profile) {
    return gpu.migDevices().stream()
        .filter(mig -> mig.profile().equals(profile))
        .map(MigDevice::uuid)
        .findFirst()
        .orElseThrow();
  }
}

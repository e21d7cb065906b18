package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.deviceplugin.sharing.Enforcement;
import io.gpuagent.deviceplugin.sharing.GpuSelector;
import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.deviceplugin.sharing.SharingConfig;
import io.gpuagent.deviceplugin.sharing.SharingMode;
import io.gpuagent.deviceplugin.sharing.SharingRule;
import io.gpuagent.deviceplugin.v1beta1.ContainerAllocateResponse;
import io.gpuagent.deviceplugin.v1beta1.Device;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Gpu;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * h100x8 with GPUs 0–1 in memory slices (1 GiB, 2 GiB reserved) and GPU 2 in four replicas, served
 * to a fake kubelet over the real sockets; the kubelet's bookkeeping (available = advertised minus
 * allocated) is played by the test.
 */
class SharedGpusTest {
  static final long GIB = 1L << 30;
  static final SharingRule SLICES =
      new SharingRule(
          new GpuSelector.Indexes(List.of(0, 1)),
          SharingMode.MEMORY_SLICES,
          GIB,
          2 * GIB,
          Enforcement.OBSERVE,
          0);
  static final SharingRule REPLICAS =
      new SharingRule(
          new GpuSelector.Indexes(List.of(2)), SharingMode.REPLICAS, 0, 0, Enforcement.OBSERVE, 4);

  @RegisterExtension final PluginFixtures fixtures = new PluginFixtures();

  private PluginFixture fixture;
  private DevicePluginService service;
  private List<String> gpus;
  private PluginClient memory;
  private PluginClient gpu;

  @BeforeEach
  void start() {
    fixture = fixtures.open("h100x8");
    service =
        fixture.start(
            DevicePluginConfig.defaults().withSharing(SharingConfig.of(List.of(SLICES, REPLICAS))));
    gpus = fixture.node.current().gpus().stream().map(Gpu::uuid).toList();
    memory = fixture.kubelet.plugin("nvidia.com/gpu-memory");
    gpu = fixture.kubelet.plugin("nvidia.com/gpu");
  }

  private static List<String> ids(ListAndWatchResponse list) {
    return list.getDevicesList().stream().map(Device::getID).toList();
  }

  private List<String> slices(int gpuIndex, int count) {
    return IntStream.range(0, count).mapToObj(k -> gpus.get(gpuIndex) + "::" + k).toList();
  }

  @Test
  void theKubeletSeesTwoTimes77SlicesAndTheRestAsGpusWithNothingTwice() {
    List<String> sliceIds = ids(memory.awaitFirstList());
    List<String> gpuIds = ids(gpu.awaitFirstList());

    List<String> expectedSlices = new ArrayList<>(slices(0, 77));
    expectedSlices.addAll(slices(1, 77));
    assertThat(sliceIds).containsExactlyElementsOf(expectedSlices);
    assertThat(gpuIds)
        .containsExactly(
            gpus.get(2) + "::0",
            gpus.get(2) + "::1",
            gpus.get(2) + "::2",
            gpus.get(2) + "::3",
            gpus.get(3),
            gpus.get(4),
            gpus.get(5),
            gpus.get(6),
            gpus.get(7));
    Set<String> all = new HashSet<>(sliceIds);
    assertThat(gpuIds).allSatisfy(id -> assertThat(all.add(id)).isTrue());
    assertThat(fixture.kubelet.registrations())
        .extracting(r -> r.request().getResourceName())
        .containsExactlyInAnyOrder("nvidia.com/gpu", "nvidia.com/gpu-memory");
    assertThat(service.sharedDevices())
        .containsEntry(
            gpus.get(0),
            new SharedDevice(
                gpus.get(0),
                SharingMode.MEMORY_SLICES,
                Enforcement.OBSERVE,
                GIB,
                77,
                "nvidia.com/gpu-memory"))
        .containsEntry(
            gpus.get(2),
            new SharedDevice(
                gpus.get(2), SharingMode.REPLICAS, Enforcement.OBSERVE, 0, 4, "nvidia.com/gpu"))
        .hasSize(3);
    assertThat(service.problems()).isEmpty();
  }

  @Test
  void requestsOf10And30And40LandOnSingleGpusPackedBestFitAnd60OnlyWhereRoomRemains() {
    List<String> available = new ArrayList<>(ids(memory.awaitFirstList()));

    List<String> ten = admit(available, 10);
    List<String> thirty = admit(available, 30);
    List<String> forty = admit(available, 40);

    assertThat(ten).containsExactlyElementsOf(slices(0, 10));
    // best fit: GPU 0 (67 free) is the fullest that still has 30
    assertThat(thirty).allSatisfy(id -> assertThat(id).startsWith(gpus.get(0) + "::"));
    // GPU 0 has 37 left: 40 goes to GPU 1
    assertThat(forty).containsExactlyElementsOf(slices(1, 40));
    assertThatThrownBy(() -> memory.preferred(available, List.of(), 60))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("no single device has 60 free slices")
        .hasMessageContaining(gpus.get(0) + ": 37")
        .hasMessageContaining(gpus.get(1) + ": 37");

    // the pod with 40 leaves: GPU 1 has 77 free again, and 60 fits there only
    available.addAll(forty);
    List<String> sixty = admit(available, 60);
    assertThat(sixty).allSatisfy(id -> assertThat(id).startsWith(gpus.get(1) + "::"));
  }

  /** GetPreferredAllocation, then Allocate, as the kubelet admits a pod. */
  private List<String> admit(List<String> available, int size) {
    List<String> chosen =
        memory.preferred(available, List.of(), size).getContainerResponses(0).getDeviceIDsList();
    assertThat(chosen).hasSize(size);
    memory.allocate(chosen);
    available.removeAll(chosen);
    return chosen;
  }

  @Test
  void theContainerGetsItsGpuItsIdsAndItsMemoryLimit() {
    memory.awaitFirstList();

    ContainerAllocateResponse answer =
        memory.allocate(List.of(gpus.get(1) + "::3", gpus.get(1) + "::0")).getContainerResponses(0);

    assertThat(answer.getEnvsMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "NVIDIA_VISIBLE_DEVICES",
                gpus.get(1),
                "GPU_AGENT_DEVICE_IDS",
                gpus.get(1) + "::0," + gpus.get(1) + "::3",
                "GPU_AGENT_MEMORY_LIMIT_MIB",
                "2048"));
  }

  @Test
  void aCrossGpuSetSentToAllocateIsRefusedNamingDevicesAndCountsAndNothingChanges() {
    ListAndWatchResponse before = memory.awaitFirstList();
    int lists = memory.listsReceived();

    List<String> spanning = new ArrayList<>(slices(0, 3));
    spanning.addAll(slices(1, 2));
    assertThatThrownBy(() -> memory.allocate(spanning))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining(gpus.get(0) + ": 3")
        .hasMessageContaining(gpus.get(1) + ": 2")
        .hasMessageContaining("must be on one device");
    assertThatThrownBy(() -> memory.allocate(List.of(gpus.get(0) + "::77")))
        .hasMessageContaining("unknown device " + gpus.get(0) + "::77");

    assertThat(memory.listsReceived()).isEqualTo(lists);
    assertThat(memory.awaitFirstList()).isEqualTo(before);
    assertThat(memory.allocate(slices(0, 3)).getContainerResponses(0).getEnvsMap())
        .containsEntry("GPU_AGENT_MEMORY_LIMIT_MIB", "3072");
  }

  @Test
  void anUnhealthyGpuMakesAllItsSharesUnhealthyAndTheyComeBackTogether() {
    memory.awaitFirstList();
    Instant since = Instant.parse("2026-02-03T04:05:06Z");

    service.onHealth(
        Map.of(
            gpus.get(0), new HealthState.Unhealthy(HealthReason.XID, "xid=79", since),
            gpus.get(2), new HealthState.Unhealthy(HealthReason.XID, "xid=79", since)));

    Map<String, String> slices =
        PluginClient.healthById(
            memory.awaitList(
                "GPU 0's slices unhealthy",
                list ->
                    "Unhealthy".equals(PluginClient.healthById(list).get(gpus.get(0) + "::0"))));
    assertThat(slices.entrySet())
        .allSatisfy(
            e ->
                assertThat(e.getValue())
                    .isEqualTo(e.getKey().startsWith(gpus.get(0)) ? "Unhealthy" : "Healthy"));
    Map<String, String> replicas =
        PluginClient.healthById(
            gpu.awaitList(
                "GPU 2's replicas unhealthy",
                list ->
                    "Unhealthy".equals(PluginClient.healthById(list).get(gpus.get(2) + "::0"))));
    assertThat(replicas)
        .containsEntry(gpus.get(2) + "::3", "Unhealthy")
        .containsEntry(gpus.get(3), "Healthy");
    assertThatThrownBy(() -> memory.allocate(slices(0, 1))).hasMessageContaining("unhealthy");

    service.onHealth(Map.of());

    assertThat(
            PluginClient.healthById(
                    memory.awaitList(
                        "GPU 0's slices back",
                        list ->
                            "Healthy"
                                .equals(PluginClient.healthById(list).get(gpus.get(0) + "::0"))))
                .values())
        .containsOnly("Healthy");
  }
}

package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.deviceplugin.sharing.Enforcement;
import io.gpuagent.deviceplugin.sharing.FakeMpsControl;
import io.gpuagent.deviceplugin.sharing.GpuSelector;
import io.gpuagent.deviceplugin.sharing.MpsDaemonStatus;
import io.gpuagent.deviceplugin.sharing.SharingConfig;
import io.gpuagent.deviceplugin.sharing.SharingMode;
import io.gpuagent.deviceplugin.sharing.SharingRule;
import io.gpuagent.deviceplugin.v1beta1.ContainerAllocateResponse;
import io.gpuagent.deviceplugin.v1beta1.Mount;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.testing.Await;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MpsAllocateTest {
  @RegisterExtension final PluginFixtures fixtures = new PluginFixtures();

  private PluginFixture fixture;

  @Test
  void anMpsSliceContainerGetsThePipeDirectoryAndItsLimitsAndTheDaemonRuns() {
    fixture = fixtures.open("h100x8");
    FakeMpsControl control = FakeMpsControl.in(fixture.dir);
    SharingConfig sharing =
        control.configure(
            SharingConfig.of(
                List.of(
                    new SharingRule(
                        new GpuSelector.Indexes(List.of(0, 1)),
                        SharingMode.MEMORY_SLICES,
                        1L << 30,
                        0,
                        Enforcement.MPS,
                        0))));
    DevicePluginService service = fixture.start(DevicePluginConfig.defaults().withSharing(sharing));
    List<String> gpus = fixture.node.current().gpus().stream().map(Gpu::uuid).toList();
    PluginClient memory = fixture.kubelet.plugin("nvidia.com/gpu-memory");
    memory.awaitFirstList();

    Await.until(
        "both daemons up",
        () ->
            service.mpsDaemons().size() == 2
                && service.mpsDaemons().stream()
                    .allMatch(d -> d.state() == MpsDaemonStatus.State.UP));
    List<String> ten = IntStream.range(0, 10).mapToObj(k -> gpus.get(1) + "::" + k).toList();
    ContainerAllocateResponse answer = memory.allocate(ten).getContainerResponses(0);

    assertThat(answer.getEnvsMap())
        .containsEntry("NVIDIA_VISIBLE_DEVICES", gpus.get(1))
        .containsEntry("GPU_AGENT_MEMORY_LIMIT_MIB", "10240")
        .containsEntry("CUDA_MPS_PIPE_DIRECTORY", "/tmp/nvidia-mps")
        .containsEntry("CUDA_MPS_PINNED_DEVICE_MEM_LIMIT", "0=10240M")
        // 10 of 79 slices, rounded up
        .containsEntry("CUDA_MPS_ACTIVE_THREAD_PERCENTAGE", "13");
    assertThat(answer.getMountsList())
        .containsExactly(
            Mount.newBuilder()
                .setContainerPath("/tmp/nvidia-mps")
                .setHostPath(control.pipe(gpus.get(1)).toString())
                .build());
    assertThat(service.status().problems()).isEmpty();
    assertThatThrownBy(() -> memory.allocate(List.of(gpus.get(0) + "::0", gpus.get(1) + "::0")))
        .hasMessageContaining("must be on one device");
  }
}

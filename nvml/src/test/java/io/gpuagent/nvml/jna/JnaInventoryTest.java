package io.gpuagent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.inventory.LostGpu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inventory as a real node gives it: NUMA from sysfs, MIG without privilege. */
class JnaInventoryTest {
  private static final String GPU_1 = "GPU-1b1b1b1b-1111-4111-8111-111111111111";

  private final FakeNvml.Control fake = FakeNvml.control(FakeNvml.library());
  private JnaNvml nvml;

  @TempDir Path sysfs;

  @BeforeEach
  void start() {
    nvml = FakeNvml.freshNvml();
  }

  @AfterEach
  void stop() {
    nvml.shutdown();
  }

  private Inventory read() {
    return new InventoryReader(nvml, Clock.systemUTC(), sysfs).read();
  }

  /** {@code <sysfs>/bus/pci/devices/<name>/numa_node} holding {@code value}. */
  private void numaNode(String name, String value) throws IOException {
    Path device = Files.createDirectories(sysfs.resolve("bus/pci/devices").resolve(name));
    Files.writeString(device.resolve("numa_node"), value + "\n");
  }

  @Test
  void numaNodesComeFromSysfsWhereNvmlAnswersNotSupportedAsOnX86() throws IOException {
    fake.fake_nvml_refuse("nvmlDeviceGetNumaNodeId", NvmlReturn.NOT_SUPPORTED.code());
    // NVML's bus ids are 00000011:1A:03.0, 00000000:2B:00.0, 00000000:3C:00.0.
    numaNode("0011:1a:03.0", "1");
    numaNode("0000:2b:00.0", "0");
    numaNode("0000:3c:00.0", "-1");

    Inventory inventory = read();

    assertThat(inventory.gpus())
        .extracting(Gpu::numaNode)
        .containsExactly(Optional.of(1), Optional.of(0), Optional.empty());
    assertThat(fake.fake_nvml_calls("nvmlDeviceGetNumaNodeId")).isZero();
  }

  @Test
  void nvmlAnswersForDevicesSysfsDoesNotHave() throws IOException {
    numaNode("0011:1a:03.0", "not a number");

    Inventory inventory = read();

    // The fake's NVML says 3 for GPU 0 and 0 for GPU 1; GPU 2 does not support the call.
    assertThat(inventory.gpus())
        .extracting(Gpu::numaNode)
        .containsExactly(Optional.of(3), Optional.of(0), Optional.empty());
  }

  @Test
  void migGpuWithoutPermissionStaysServedWithItsMigDevicesUnknownAndOneProblem() {
    fake.fake_nvml_refuse("nvmlDeviceGetGpuInstanceById", NvmlReturn.NO_PERMISSION.code());

    Inventory inventory = read();

    assertThat(inventory.gpus()).extracting(Gpu::uuid).contains(GPU_1);
    Gpu mig = inventory.gpuOwning(GPU_1).orElseThrow();
    assertThat(mig.migEnabled()).isTrue();
    assertThat(mig.migDevices()).isEmpty();
    assertThat(inventory.lostGpus()).extracting(LostGpu::index).containsExactly(FakeNvml.LOST);
    assertThat(inventory.problems())
        .singleElement()
        .asString()
        .contains(GPU_1, "nvmlDeviceGetGpuInstanceById", "NVML_ERROR_NO_PERMISSION")
        .contains("privileged", "/dev/nvidia-caps");
  }

  @Test
  void computeInstancesWithoutPermissionAreTheSameProblem() {
    fake.fake_nvml_refuse("nvmlGpuInstanceGetComputeInstances", NvmlReturn.NO_PERMISSION.code());

    Inventory inventory = read();

    assertThat(inventory.gpuOwning(GPU_1).orElseThrow().migDevices()).isEmpty();
    assertThat(inventory.problems())
        .singleElement()
        .asString()
        .contains(GPU_1, "nvmlGpuInstanceGetComputeInstances");
  }

  @Test
  void privilegedReadHasNoProblems() {
    Inventory inventory = read();

    assertThat(inventory.gpuOwning(GPU_1).orElseThrow().migDevices()).isNotEmpty();
    assertThat(inventory.problems()).isEmpty();
  }
}

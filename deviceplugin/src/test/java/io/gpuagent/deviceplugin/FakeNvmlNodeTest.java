package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.gpuagent.deviceplugin.v1beta1.Device;
import io.gpuagent.deviceplugin.v1beta1.ListAndWatchResponse;
import io.gpuagent.deviceplugin.v1beta1.NUMANode;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.jna.JnaNvml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device plugin on the real NVML path, as on an x86 node: {@code JnaNvml} over the native fake
 * {@code libnvidia-ml.so.1} (built by the nvml module), a fake sysfs tree, and a fake kubelet on
 * real Unix sockets.
 */
class FakeNvmlNodeTest {
  private static final Path FAKE =
      Path.of(
          System.getProperty("fake.nvml.library", "../nvml/target/fake-nvml/libnvidia-ml.so.1"));
  private static final String GPU_0 = "GPU-0a0a0a0a-0000-4000-8000-000000000000";
  private static final String GPU_1 = "GPU-1b1b1b1b-1111-4111-8111-111111111111";
  private static final String GPU_2 = "GPU-2c2c2c2c-2222-4222-8222-222222222222";
  private static final String GPU_3 = "GPU-3d3d3d3d-3333-4333-8333-333333333333";

  /** The fake's test controls (see nvml/src/test/c). */
  interface FakeControl extends Library {
    void fake_nvml_reset();

    int fake_nvml_refuse(String function, int rc);
  }

  @TempDir Path sysfs;
  private FakeControl fake;
  private JnaNvml nvml;
  private Path dir;
  private FakeKubelet kubelet;
  private DevicePluginService service;

  @BeforeAll
  static void fakeIsBuilt() {
    assertThat(FAKE)
        .as("the native fake is built by the nvml module's tests: build with -am from the root")
        .isRegularFile();
  }

  @BeforeEach
  void start() throws IOException {
    fake = Native.load(FAKE.toAbsolutePath().toString(), FakeControl.class);
    fake.fake_nvml_reset();
    nvml = new JnaNvml(FAKE);
    nvml.init();
    dir = Files.createTempDirectory(Path.of("/tmp"), "dp");
    kubelet = FakeKubelet.start(dir);
  }

  @AfterEach
  void stop() throws IOException {
    if (service != null) {
      service.close();
    }
    kubelet.close();
    nvml.shutdown();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  private void numaNode(String sysfsName, int node) throws IOException {
    Path device = Files.createDirectories(sysfs.resolve("bus/pci/devices").resolve(sysfsName));
    Files.writeString(device.resolve("numa_node"), node + "\n");
  }

  private PluginClient serve(DevicePluginConfig config) {
    Inventory inventory = new InventoryReader(nvml, Clock.systemUTC(), sysfs).read();
    service = new DevicePluginService(config.withPluginDir(dir), FirstAvailableAllocator::new);
    service.start(inventory);
    kubelet.awaitRegistration("nvidia.com/gpu");
    return kubelet.plugin("nvidia.com/gpu");
  }

  @Test
  void listAndWatchGivesEveryGpuItsSysfsNumaNodeWhereNvmlHasNone() throws IOException {
    fake.fake_nvml_refuse("nvmlDeviceGetNumaNodeId", NvmlReturn.NOT_SUPPORTED.code());
    // NVML's bus ids 00000011:1A:03.0, 00000000:2B:00.0, 00000000:3C:00.0 as sysfs names them.
    numaNode("0011:1a:03.0", 0);
    numaNode("0000:2b:00.0", 1);
    numaNode("0000:3c:00.0", 1);

    ListAndWatchResponse list = serve(DevicePluginConfig.defaults()).awaitFirstList();

    // The fake's GPU 3 has fallen off the bus: still listed (the health module, not wired here,
    // marks it gpu-lost), with no topology since its PCI identity cannot be read.
    assertThat(list.getDevicesList())
        .filteredOn(device -> device.getID().equals(GPU_3))
        .singleElement()
        .satisfies(device -> assertThat(device.hasTopology()).isFalse());
    assertThat(list.getDevicesList())
        .filteredOn(device -> !device.getID().equals(GPU_3))
        .extracting(Device::getID, device -> device.getTopology().getNodesList())
        .containsExactly(
            tuple(GPU_0, List.of(NUMANode.newBuilder().setID(0).build())),
            tuple(GPU_1, List.of(NUMANode.newBuilder().setID(1).build())),
            tuple(GPU_2, List.of(NUMANode.newBuilder().setID(1).build())));
  }

  @Test
  void migGpuWithoutPermissionIsAProblemAndTheOtherGpusAreServed() {
    fake.fake_nvml_refuse("nvmlDeviceGetGpuInstanceById", NvmlReturn.NO_PERMISSION.code());

    ListAndWatchResponse list =
        serve(DevicePluginConfig.defaults().withMigStrategy(MigStrategy.MIXED)).awaitFirstList();

    assertThat(list.getDevicesList())
        .extracting(Device::getID)
        .containsExactly(GPU_0, GPU_2, GPU_3);
    assertThat(service.problems())
        .singleElement()
        .asString()
        .contains(GPU_1, "nvmlDeviceGetGpuInstanceById", "/dev/nvidia-caps");
  }
}

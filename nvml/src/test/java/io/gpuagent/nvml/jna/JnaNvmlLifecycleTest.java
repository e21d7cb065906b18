package io.gpuagent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.TopologyLevel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JnaNvmlLifecycleTest {

  private final FakeNvml.Control fake = FakeNvml.control(FakeNvml.library());
  private JnaNvml nvml;

  @BeforeEach
  void resetFake() {
    fake.fake_nvml_reset();
    nvml = new JnaNvml(FakeNvml.library());
  }

  @AfterEach
  void shutDown() {
    nvml.shutdown();
  }

  @Test
  void missingLibraryFailsWithOneSentence() {
    JnaNvml missing = new JnaNvml(Path.of("/nonexistent/driver/libnvidia-ml.so.1"));

    assertThatThrownBy(missing::init)
        .isInstanceOfSatisfying(
            NvmlException.class,
            e -> {
              assertThat(e.code()).isEqualTo(NvmlReturn.LIBRARY_NOT_FOUND);
              assertThat(e.function()).isEqualTo("dlopen");
            })
        .hasMessage(
            "libnvidia-ml.so.1 not found: is the NVIDIA driver installed and mounted into the"
                + " container?")
        .hasCauseInstanceOf(UnsatisfiedLinkError.class);
  }

  @Test
  void constructingDoesNotLoadTheLibrary() {
    JnaNvml missing = new JnaNvml(Path.of("/nonexistent/driver/libnvidia-ml.so.1"));

    assertThat(missing.toString()).contains("/nonexistent/driver/libnvidia-ml.so.1");
    assertThat(new JnaNvml().toString()).contains("libnvidia-ml.so.1");
  }

  @Test
  void callsBeforeInitThrowUninitialized() {
    assertThatThrownBy(nvml::deviceCount)
        .isInstanceOfSatisfying(
            NvmlException.class, e -> assertThat(e.code()).isEqualTo(NvmlReturn.UNINITIALIZED));
    assertThatThrownBy(nvml::driverVersion).isInstanceOf(NvmlException.class);
    assertThat(fake.fake_nvml_calls("nvmlDeviceGetCount_v2")).isZero();
  }

  @Test
  void callsAfterShutdownThrowUninitialized() {
    nvml.init();
    NvmlDevice device = nvml.deviceByIndex(FakeNvml.FULL);
    nvml.shutdown();
    nvml.shutdown();

    assertThatThrownBy(device::memoryInfo)
        .isInstanceOfSatisfying(
            NvmlException.class, e -> assertThat(e.code()).isEqualTo(NvmlReturn.UNINITIALIZED));
    assertThat(fake.fake_nvml_calls("nvmlShutdown")).isEqualTo(1);
  }

  @Test
  void libraryAnsweringUninitializedSurfacesAsUninitialized() {
    nvml.init();
    fake.nvmlShutdown();
    try {
      assertThatThrownBy(nvml::deviceCount)
          .isInstanceOfSatisfying(
              NvmlException.class,
              e -> {
                assertThat(e.code()).isEqualTo(NvmlReturn.UNINITIALIZED);
                assertThat(e.function()).isEqualTo("nvmlDeviceGetCount_v2");
                assertThat(e.getMessage())
                    .isEqualTo("nvmlDeviceGetCount_v2 failed: NVML_ERROR_UNINITIALIZED (1)");
              });
    } finally {
      fake.nvmlInit_v2();
    }
  }

  @Test
  void initTwiceInitializesNvmlOnce() {
    nvml.init();
    nvml.init();

    assertThat(fake.fake_nvml_calls("nvmlInit_v2")).isEqualTo(1);
  }

  @Test
  void systemQueriesRoundTrip() {
    nvml.init();

    assertThat(nvml.driverVersion()).isEqualTo("550.54.15");
    assertThat(nvml.nvmlVersion()).isEqualTo("12.550.54.15");
    assertThat(nvml.cudaDriverVersion()).isEqualTo(12040);
    assertThat(nvml.deviceCount()).isEqualTo(4);
    assertThat(nvml.devices())
        .extracting(NvmlDevice::uuid)
        .containsExactly(
            "GPU-0a0a0a0a-0000-4000-8000-000000000000",
            "GPU-1b1b1b1b-1111-4111-8111-111111111111",
            "GPU-2c2c2c2c-2222-4222-8222-222222222222",
            "GPU-3d3d3d3d-3333-4333-8333-333333333333");
  }

  @Test
  void deviceByUuidFindsTheSameGpuAsByIndex() {
    nvml.init();
    NvmlDevice byIndex = nvml.deviceByIndex(FakeNvml.UNSUPPORTED);

    NvmlDevice byUuid = nvml.deviceByUuid("GPU-2c2c2c2c-2222-4222-8222-222222222222");

    assertThat(byUuid).isSameAs(byIndex);
    assertThat(byUuid.index()).isEqualTo(2);
    assertThat(byUuid.isMigDevice()).isFalse();
    assertThat(byUuid.parent()).isSameAs(byUuid);
  }

  @Test
  void deviceByUuidReadsTheIndexOfAGpuNotSeenBefore() {
    nvml.init();

    NvmlDevice device = nvml.deviceByUuid("GPU-1b1b1b1b-1111-4111-8111-111111111111");

    assertThat(device.index()).isEqualTo(1);
    assertThat(fake.fake_nvml_calls("nvmlDeviceGetIndex")).isEqualTo(1);
  }

  @Test
  void unknownUuidThrowsNotFound() {
    nvml.init();

    assertThatThrownBy(() -> nvml.deviceByUuid("GPU-does-not-exist"))
        .isInstanceOfSatisfying(
            NvmlException.class, e -> assertThat(e.code()).isEqualTo(NvmlReturn.NOT_FOUND));
  }

  @Test
  void topologyLevelsRoundTrip() {
    nvml.init();
    NvmlDevice full = nvml.deviceByIndex(FakeNvml.FULL);
    NvmlDevice mig = nvml.deviceByIndex(FakeNvml.MIG);
    NvmlDevice unsupported = nvml.deviceByIndex(FakeNvml.UNSUPPORTED);

    assertThat(nvml.topologyCommonAncestor(full, mig)).isEqualTo(TopologyLevel.SINGLE);
    assertThat(nvml.topologyCommonAncestor(full, unsupported)).isEqualTo(TopologyLevel.NODE);
    assertThat(nvml.topologyCommonAncestor(mig, unsupported)).isEqualTo(TopologyLevel.SYSTEM);
    assertThat(nvml.topologyCommonAncestor(full, full)).isEqualTo(TopologyLevel.INTERNAL);
  }

  @Test
  void stringsAreCutAtTheFirstNulOrTheBufferEnd() {
    assertThat(NvmlCalls.decode("ab\0cd".getBytes(StandardCharsets.UTF_8))).isEqualTo("ab");
    assertThat(NvmlCalls.decode("abc".getBytes(StandardCharsets.UTF_8))).isEqualTo("abc");
    assertThat(NvmlCalls.decode(new byte[4])).isEmpty();
  }

  @Test
  void concurrentCallersGetConsistentAnswers() throws Exception {
    nvml.init();
    NvmlDevice device = nvml.deviceByIndex(FakeNvml.FULL);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            8, task -> new Thread(task, "nvml-caller-" + threads.incrementAndGet()));
    try {
      List<Callable<Long>> calls = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        calls.add(
            () -> {
              long sum = 0;
              for (int j = 0; j < 50; j++) {
                sum += device.memoryInfo().totalBytes();
                sum += nvml.deviceByIndex(FakeNvml.MIG).migDevices().size();
                sum += device.computeRunningProcesses().size();
              }
              return sum;
            });
      }
      for (Future<Long> result : pool.invokeAll(calls)) {
        assertThat(result.get()).isEqualTo(50 * (0x1111111111L + 3 + 2));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

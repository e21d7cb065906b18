package io.gpuagent.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.MigDevice;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DeviceFaultsTest {

  @Test
  void gpuThatIsLostMidRunLosesItsSeriesAndTheOthersContinue() {
    try (SimulatedExporter sim = new SimulatedExporter("h100x8")) {
      sim.sampleTwice(5);
      String lost = sim.inventory.get().gpus().get(2).uuid();
      assertThat(uuidsOf(Exposition.parse(sim.text()), "DCGM_FI_DEV_GPU_TEMP"))
          .hasSize(8)
          .contains(lost);

      sim.node.inject(lost, new SimFault.Lost());
      sim.clock.advance(Duration.ofSeconds(5));
      sim.exporter.sampleNow(); // the inventory still lists it: the sampler finds out itself

      Exposition metrics = Exposition.parse(sim.text());
      assertThat(metrics.samples())
          .filteredOn(s -> s.name().startsWith("DCGM_FI_"))
          .noneMatch(s -> lost.equals(s.label("UUID")));
      for (String name :
          List.of(
              "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_PROF_GR_ENGINE_ACTIVE")) {
        assertThat(uuidsOf(metrics, name)).as(name).hasSize(7).doesNotContain(lost);
      }
      assertThat(metrics.one("gpu_agent_exporter_device_up", "UUID", lost).value()).isZero();
      assertThat(
              metrics.where(
                  "gpu_agent_nvml_errors_total",
                  s -> "NVML_ERROR_GPU_IS_LOST".equals(s.label("code"))))
          .isNotEmpty();

      // The agent rebuilds the inventory: the GPU is listed as lost and keeps its labels.
      sim.refreshInventory();
      sim.exporter.sampleNow();
      metrics = Exposition.parse(sim.text());
      assertThat(metrics.one("gpu_agent_exporter_device_up", "UUID", lost).labels())
          .containsEntry("modelName", "NVIDIA H100 80GB HBM3");
      assertThat(uuidsOf(metrics, "DCGM_FI_DEV_GPU_TEMP")).hasSize(7);

      sim.node.resetGpu(lost);
      sim.refreshInventory();
      sim.exporter.sampleNow();
      assertThat(uuidsOf(Exposition.parse(sim.text()), "DCGM_FI_DEV_GPU_TEMP"))
          .hasSize(8)
          .contains(lost);
    }
  }

  @Test
  void slowGpuDelaysNeitherTheScrapeNorTheOtherGpus() throws Exception {
    ExporterConfig config =
        ExporterConfig.withInterval(Duration.ofSeconds(1))
            .withDeviceTimeout(Duration.ofMillis(300))
            .withJvmMetrics(false);
    try (SimulatedExporter sim = new SimulatedExporter("h100x8", config, DeviceHealthSource.NONE)) {
      sim.sampleTwice(5);
      String slow = sim.inventory.get().gpus().get(5).uuid();
      // stuck until the exporter closes (closing interrupts the call)
      sim.node.inject(slow, new SimFault.Latency(Duration.ofHours(1)));
      byte[] before = sim.exporter.render(null).body();

      CompletableFuture<Void> sampling = CompletableFuture.runAsync(sim.exporter::sampleNow);
      byte[] during = sim.exporter.render(null).body();
      sampling.get(5, TimeUnit.SECONDS);

      assertThat(during).as("a scrape during a sample serves the previous one").isSameAs(before);
      Exposition metrics = Exposition.parse(sim.text());
      assertThat(uuidsOf(metrics, "DCGM_FI_DEV_GPU_TEMP")).hasSize(7).doesNotContain(slow);
      assertThat(metrics.one("gpu_agent_exporter_device_up", "UUID", slow).value()).isZero();
      assertThat(metrics.one("gpu_agent_exporter_device_timeouts_total", "UUID", slow).value())
          .isEqualTo(1);

      // Still stuck in its first call: the next sample does not wait for it.
      Await.returns("the next sample", sim.exporter::sampleNow);
      metrics = Exposition.parse(sim.text());
      assertThat(uuidsOf(metrics, "DCGM_FI_DEV_GPU_TEMP")).hasSize(7);
      assertThat(metrics.one("gpu_agent_exporter_device_timeouts_total", "UUID", slow).value())
          .isEqualTo(2);
    }
  }

  @Test
  void fieldsAGpuDoesNotSupportAreAbsentNotZero() {
    try (SimulatedExporter a100 = new SimulatedExporter("a100-mig");
        SimulatedExporter mixed = new SimulatedExporter("pcie-mixed")) {
      a100.sampleTwice(5);
      mixed.sampleTwice(5);

      Exposition a100Metrics = Exposition.parse(a100.text());
      assertThat(a100Metrics.samples()).noneMatch(s -> s.name().startsWith("DCGM_FI_PROF_"));
      assertThat(a100Metrics.types().keySet()).noneMatch(name -> name.startsWith("DCGM_FI_PROF_"));

      Exposition mixedMetrics = Exposition.parse(mixed.text());
      List<Gpu> gpus = mixed.inventory.get().gpus();
      Set<String> withMemoryTemp = uuidsOf(mixedMetrics, "DCGM_FI_DEV_MEMORY_TEMP");
      assertThat(withMemoryTemp).containsExactlyInAnyOrder(gpus.get(1).uuid(), gpus.get(3).uuid());
      assertThat(uuidsOf(mixedMetrics, "DCGM_FI_DEV_GPU_TEMP")).hasSize(4);
      assertThat(mixedMetrics.named("DCGM_FI_DEV_VGPU_LICENSE_STATUS")).isEmpty();
      assertThat(mixedMetrics.named("gpu_agent_nvml_errors_total"))
          .as("NOT_SUPPORTED is no error")
          .isEmpty();
    }
  }

  @Test
  void migInstancesHaveMemorySeriesWithTheirProfileAndInstanceId() {
    try (SimulatedExporter sim = new SimulatedExporter("a100-mig")) {
      sim.sampleTwice(5);

      Exposition metrics = Exposition.parse(sim.text());
      for (Gpu gpu : sim.inventory.get().gpus().subList(0, 2)) {
        for (MigDevice mig : gpu.migDevices()) {
          Exposition.Sample total =
              metrics.one(
                  "DCGM_FI_DEV_FB_FREE",
                  "UUID",
                  gpu.uuid(),
                  "GPU_I_ID",
                  Integer.toString(mig.gpuInstanceId()),
                  "GPU_I_PROFILE",
                  mig.profile());
          assertThat(total.value()).isEqualTo(Math.floor(mig.memoryTotalBytes() / 1048576.0));
          assertThat(total.labels()).containsEntry("gpu", Integer.toString(gpu.index()));
          metrics.one(
              "DCGM_FI_DEV_FB_USED",
              "UUID",
              gpu.uuid(),
              "GPU_I_ID",
              Integer.toString(mig.gpuInstanceId()));
          metrics.one(
              "DCGM_FI_DEV_XID_ERRORS",
              "UUID",
              gpu.uuid(),
              "GPU_I_ID",
              Integer.toString(mig.gpuInstanceId()));
        }
      }
      // Board-level readings of a GPU in MIG mode stay on the GPU, not its instances.
      assertThat(metrics.named("DCGM_FI_DEV_GPU_TEMP"))
          .noneMatch(s -> s.labels().containsKey("GPU_I_ID"));
      assertThat(metrics.named("DCGM_FI_DEV_GPU_UTIL"))
          .hasSize(2); // parents in MIG mode: NOT_SUPPORTED
    }
  }

  static Set<String> uuidsOf(Exposition metrics, String name) {
    return metrics.named(name).stream().map(s -> s.label("UUID")).collect(Collectors.toSet());
  }
}

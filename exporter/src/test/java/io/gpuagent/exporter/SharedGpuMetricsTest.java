package io.gpuagent.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.podresources.ContainerRef;
import io.gpuagent.podresources.PodAssignments;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-pod accounting of a shared GPU next to the GPU's own, unduplicated series. */
class SharedGpuMetricsTest {
  private static final long GIB = 1L << 30;
  private static final ContainerRef NOTEBOOK = new ContainerRef("ml", "notebook-a", "jupyter");
  private static final ContainerRef EMBEDDER = new ContainerRef("web", "embedder-7", "server");

  @Test
  void everySharerOfAGpuHasItsUsedQuotaAndViolationSeries() {
    try (SimulatedExporter sim = new SimulatedExporter("h100x8")) {
      String gpu1 = sim.inventory.get().gpus().get(1).uuid();
      shareGpu(sim, gpu1);
      sim.sampleTwice(5);

      Exposition metrics = Exposition.parse(sim.text());
      assertThat(used(metrics, gpu1, "notebook-a")).isEqualTo(1.5 * GIB);
      assertThat(used(metrics, gpu1, "embedder-7")).isEqualTo(2.0 * GIB);
      assertThat(
              metrics
                  .one("gpu_agent_pod_gpu_memory_quota_bytes", "UUID", gpu1, "pod", "notebook-a")
                  .value())
          .isEqualTo(2.0 * GIB);
      assertThat(
              metrics
                  .one("gpu_agent_pod_gpu_memory_quota_bytes", "UUID", gpu1, "pod", "embedder-7")
                  .value())
          .isEqualTo(1.0 * GIB);
      assertThat(
              metrics
                  .one(
                      "gpu_agent_pod_gpu_quota_violations_total",
                      "UUID",
                      gpu1,
                      "pod",
                      "embedder-7",
                      "namespace",
                      "web",
                      "container",
                      "server")
                  .value())
          .isEqualTo(3);
      assertThat(
              metrics
                  .one("gpu_agent_pod_allocated_devices", "UUID", gpu1, "pod", "notebook-a")
                  .value())
          .isEqualTo(2);
      Exposition.Sample mode = metrics.one("gpu_agent_gpu_sharing_info", "UUID", gpu1);
      assertThat(mode.labels())
          .containsEntry("mode", "memory-slices")
          .containsEntry("enforcement", "observe")
          .containsEntry("gpu", "1");
      assertThat(mode.value()).isEqualTo(1);
    }
  }

  @Test
  void aSharedGpuHeldByOnePodIsStillNoPodsAndItsSeriesAreNotDuplicated() {
    try (SimulatedExporter sim = new SimulatedExporter("h100x8")) {
      String gpu1 = sim.inventory.get().gpus().get(1).uuid();
      sim.pods.set(
          new PodAssignments(
              Map.of(gpu1 + "::0", List.of(NOTEBOOK), gpu1 + "::1", List.of(NOTEBOOK)),
              SimulatedExporter.START));
      sim.sharing.set(
          new SharingAccounting(
              Map.of(
                  gpu1,
                  new SharingAccounting.SharedGpu(
                      "memory-slices",
                      "kill",
                      List.of(new SharingAccounting.Sharer(NOTEBOOK, GIB, 2 * GIB, 0))))));
      sim.sampleTwice(5);

      Exposition metrics = Exposition.parse(sim.text());
      for (String name :
          List.of("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_POWER_USAGE")) {
        List<Exposition.Sample> series = metrics.where(name, s -> gpu1.equals(s.label("UUID")));
        assertThat(series).as(name).hasSize(1);
        assertThat(series.get(0).labels()).doesNotContainKeys("pod", "namespace", "container");
      }
      assertThat(
              metrics.where(
                  "gpu_agent_pod_gpu_memory_used_bytes", s -> gpu1.equals(s.label("UUID"))))
          .singleElement()
          .extracting(Exposition.Sample::value)
          .isEqualTo((double) GIB);
    }
  }

  @Test
  void withoutSharingNoAccountingSeriesAppear() {
    try (SimulatedExporter sim = new SimulatedExporter("h100x8")) {
      sim.sampleTwice(5);
      String text = sim.text();
      assertThat(text)
          .doesNotContain("gpu_agent_pod_gpu_memory_quota_bytes")
          .doesNotContain("gpu_agent_pod_gpu_quota_violations")
          .doesNotContain("gpu_agent_gpu_sharing");
    }
  }

  private static void shareGpu(SimulatedExporter sim, String gpu) {
    sim.pods.set(
        new PodAssignments(
            Map.of(
                gpu + "::0", List.of(NOTEBOOK),
                gpu + "::1", List.of(NOTEBOOK),
                gpu + "::2", List.of(EMBEDDER)),
            SimulatedExporter.START));
    sim.sharing.set(
        new SharingAccounting(
            Map.of(
                gpu,
                new SharingAccounting.SharedGpu(
                    "memory-slices",
                    "observe",
                    List.of(
                        new SharingAccounting.Sharer(NOTEBOOK, 3 * GIB / 2, 2 * GIB, 0),
                        new SharingAccounting.Sharer(EMBEDDER, 2 * GIB, GIB, 3))))));
  }

  private static double used(Exposition metrics, String uuid, String pod) {
    return metrics.one("gpu_agent_pod_gpu_memory_used_bytes", "UUID", uuid, "pod", pod).value();
  }
}

package io.gpuagent.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.podresources.FakePodResourcesServer;
import io.gpuagent.podresources.PodResourcesWatcher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pod labels from a kubelet podresources server on a real Unix socket. */
class PodResourcesSocketTest {
  private static final String GPU = "nvidia.com/gpu";
  private static final String MEMORY = "nvidia.com/gpu-memory";

  @TempDir Path dir;

  @Test
  void exclusiveGpuGetsLabelsAndSharedGpuIsNotDuplicated() throws Exception {
    Path socket = dir.resolve("kubelet.sock");
    try (FakePodResourcesServer kubelet = FakePodResourcesServer.start(socket);
        PodResourcesWatcher watcher =
            new PodResourcesWatcher(socket, Duration.ofHours(1), Clock.systemUTC());
        SimulatedExporter sim = exporterOn(watcher)) {
      String gpu0 = sim.inventory.get().gpus().get(0).uuid();
      String gpu1 = sim.inventory.get().gpus().get(1).uuid();
      kubelet.assign("ml", "trainer-0", "main", GPU, gpu0);
      kubelet.assign("ml", "notebook-a", "jupyter", MEMORY, gpu1 + "::0", gpu1 + "::1");
      kubelet.assign("web", "embedder-7", "server", MEMORY, gpu1 + "::2");
      watcher.refreshNow();
      sim.sampleTwice(5);

      Exposition metrics = Exposition.parse(sim.text());
      assertThat(metrics.one("DCGM_FI_DEV_GPU_UTIL", "UUID", gpu0).labels())
          .containsEntry("pod", "trainer-0")
          .containsEntry("namespace", "ml")
          .containsEntry("container", "main");
      List<Exposition.Sample> shared =
          metrics.where("DCGM_FI_DEV_GPU_UTIL", s -> gpu1.equals(s.label("UUID")));
      assertThat(shared).hasSize(1);
      assertThat(shared.get(0).labels()).doesNotContainKey("pod");
      assertThat(
              metrics.where("gpu_agent_pod_allocated_devices", s -> gpu1.equals(s.label("UUID"))))
          .extracting(s -> s.label("pod"))
          .containsExactlyInAnyOrder("notebook-a", "embedder-7");
      assertThat(metrics.one("gpu_agent_podresources_errors_total").value()).isZero();
    }
  }

  @Test
  void absentSocketMeansNoLabelsAndTheFailureCounterRises() throws Exception {
    Path socket = dir.resolve("no-kubelet-here.sock");
    try (PodResourcesWatcher watcher =
            new PodResourcesWatcher(socket, Duration.ofHours(1), Clock.systemUTC());
        SimulatedExporter sim = exporterOn(watcher)) {
      watcher.refreshNow();
      watcher.refreshNow();
      sim.sampleTwice(5);

      Exposition metrics = Exposition.parse(sim.text());
      assertThat(metrics.samples()).noneMatch(s -> s.labels().containsKey("pod"));
      assertThat(metrics.one("gpu_agent_podresources_errors_total").value()).isEqualTo(2);
      assertThat(metrics.named("DCGM_FI_DEV_GPU_UTIL")).hasSize(8);
    }
  }

  private static SimulatedExporter exporterOn(PodResourcesWatcher watcher) {
    return new SimulatedExporter(
        "h100x8",
        ExporterConfig.defaults().withJvmMetrics(false),
        DeviceHealthSource.NONE,
        watcher,
        watcher::failures);
  }
}

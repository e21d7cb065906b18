package io.gpuagent.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.MigDevice;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.podresources.ContainerRef;
import io.gpuagent.podresources.PodAssignments;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodLabelsTest {
  private static final ContainerRef TRAINER = new ContainerRef("ml", "trainer-0", "main");
  private static final ContainerRef NOTEBOOK = new ContainerRef("ml", "notebook-a", "jupyter");
  private static final ContainerRef EMBEDDER = new ContainerRef("web", "embedder-7", "server");

  @Test
  void gpuHeldByOneContainerCarriesItsPodLabelsOnEveryDcgmSeries() {
    try (SimulatedExporter sim = new SimulatedExporter("h100x8")) {
      Gpu gpu0 = sim.inventory.get().gpus().get(0);
      assign(sim, Map.of(gpu0.uuid(), List.of(TRAINER)));
      sim.sampleTwice(5);

      Exposition metrics = Exposition.parse(sim.text());
      List<Exposition.Sample> gpu0Series =
          metrics.samples().stream()
              .filter(s -> s.name().startsWith("DCGM_FI_") && gpu0.uuid().equals(s.label("UUID")))
              .toList();
      assertThat(gpu0Series).hasSizeGreaterThan(15);
      assertThat(gpu0Series)
          .allSatisfy(
              s ->
                  assertThat(s.labels())
                      .containsEntry("pod", "trainer-0")
                      .containsEntry("namespace", "ml")
                      .containsEntry("container", "main"));
      assertThat(metrics.where("DCGM_FI_DEV_GPU_TEMP", s -> s.labels().containsKey("pod")))
          .hasSize(1);
    }
  }

  @Test
  void gpuSharedThroughMemorySlicesIsNotDuplicatedPerPod() {
    try (SimulatedExporter sim = new SimulatedExporter("h100x8")) {
      String gpu1 = sim.inventory.get().gpus().get(1).uuid();
      assign(
          sim,
          Map.of(
              gpu1 + "::0", List.of(NOTEBOOK),
              gpu1 + "::1", List.of(NOTEBOOK),
              gpu1 + "::2", List.of(EMBEDDER)));
      sim.sampleTwice(5);

      Exposition metrics = Exposition.parse(sim.text());
      for (String name :
          List.of("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_POWER_USAGE")) {
        List<Exposition.Sample> series = metrics.where(name, s -> gpu1.equals(s.label("UUID")));
        assertThat(series).as(name).hasSize(1);
        assertThat(series.get(0).labels()).doesNotContainKeys("pod", "namespace", "container");
      }
      assertThat(
              metrics
                  .one("gpu_agent_pod_allocated_devices", "UUID", gpu1, "pod", "notebook-a")
                  .value())
          .isEqualTo(2);
      assertThat(
              metrics
                  .one("gpu_agent_pod_allocated_devices", "UUID", gpu1, "pod", "embedder-7")
                  .value())
          .isEqualTo(1);
      assertThat(
              metrics.where(
                  "gpu_agent_pod_gpu_memory_used_bytes", s -> gpu1.equals(s.label("UUID"))))
          .as("no per-pod memory on a shared GPU: NVML's PIDs cannot be mapped to pods")
          .isEmpty();
    }
  }

  @Test
  void migDeviceHeldByOneContainerLabelsThatInstanceOnly() {
    try (SimulatedExporter sim = new SimulatedExporter("a100-mig")) {
      Gpu gpu0 = sim.inventory.get().gpus().get(0);
      MigDevice mig = gpu0.migDevices().get(1);
      assign(sim, Map.of(mig.uuid(), List.of(TRAINER)));
      sim.sampleTwice(5);

      Exposition metrics = Exposition.parse(sim.text());
      Exposition.Sample instance =
          metrics.one(
              "DCGM_FI_DEV_FB_USED",
              "UUID",
              gpu0.uuid(),
              "GPU_I_ID",
              Integer.toString(mig.gpuInstanceId()));
      assertThat(instance.labels()).containsEntry("pod", "trainer-0");
      assertThat(
              metrics.where(
                  "DCGM_FI_DEV_FB_USED",
                  s -> gpu0.uuid().equals(s.label("UUID")) && s.labels().containsKey("pod")))
          .as("only the owned instance")
          .hasSize(1);
    }
  }

  @Test
  void processMemoryOfAnOwnedDeviceIsThePodsMemory() {
    try (SimulatedExporter sim = new SimulatedExporter("h100x8")) {
      Gpu gpu4 = sim.inventory.get().gpus().get(4);
      assign(sim, Map.of(gpu4.uuid(), List.of(TRAINER)));
      sim.node.inject(gpu4.uuid(), new SimFault.Process(100, 3L << 30, 50));
      sim.node.inject(gpu4.uuid(), new SimFault.Process(101, 1L << 30, 20));
      sim.sampleTwice(5);

      Exposition metrics = Exposition.parse(sim.text());
      assertThat(
              metrics
                  .one(
                      "gpu_agent_pod_gpu_memory_used_bytes",
                      "UUID",
                      gpu4.uuid(),
                      "pod",
                      "trainer-0")
                  .value())
          .isEqualTo(4L << 30);
    }
  }

  @Test
  void deviceIdsThisNodeDoesNotHaveAreIgnored() {
    try (SimulatedExporter sim = new SimulatedExporter("h100x8")) {
      assign(sim, Map.of("GPU-00000000-0000-0000-0000-000000000000", List.of(TRAINER)));
      sim.sampleTwice(5);

      assertThat(sim.text()).doesNotContain("trainer-0");
    }
  }

  private static void assign(SimulatedExporter sim, Map<String, List<ContainerRef>> byDevice) {
    sim.pods.set(new PodAssignments(byDevice, SimulatedExporter.START));
  }
}

package io.gpuagent.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.deviceplugin.sharing.Enforcement;
import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.deviceplugin.sharing.SharingMode;
import io.gpuagent.deviceplugin.sharing.quota.QuotaConfig;
import io.gpuagent.deviceplugin.sharing.quota.QuotaMonitor;
import io.gpuagent.exporter.DeviceHealthSource;
import io.gpuagent.exporter.ExporterConfig;
import io.gpuagent.exporter.MetricsExporter;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.gpuagent.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo profile {@code h100x8-shared} end to end, as the agent wires it under {@code
 * --simulate}: simulated pods and their /proc tree, the quota monitor over GPUs 0-1 in 1 GiB slices
 * and GPU 2 in 4 replicas, and its report in {@code /metrics}.
 */
class SharedGpuAccountingTest {
  private static final long GIB = 1L << 30;

  private final ManualClock clock = new ManualClock();
  private SimulatedNode node;
  private SimulatedPods pods;
  private MetricsExporter exporter;

  @BeforeEach
  void setUp() {
    node = SimulatedNode.load("h100x8-shared", new SimOptions("test-node", 1, clock));
    node.init();
    pods = new SimulatedPods(node);
  }

  @AfterEach
  void tearDown() {
    if (exporter != null) {
      exporter.close();
    }
    pods.close();
    node.shutdown();
  }

  @Test
  void everySharerOfOneGpuHasItsUsedAndQuotaSeries() {
    QuotaMonitor monitor = monitor(Enforcement.OBSERVE);
    monitor.sampleNow();
    String text = metrics(monitor);

    String gpu0 = node.deviceByIndex(0).uuid();
    assertThat(series(text, "gpu_agent_pod_gpu_memory_used_bytes", gpu0))
        .containsExactlyInAnyOrder(
            "llm-small " + 8 * GIB, "llm-medium " + 26 * GIB, "embeddings " + 3 * GIB);
    assertThat(series(text, "gpu_agent_pod_gpu_memory_quota_bytes", gpu0))
        .containsExactlyInAnyOrder(
            "llm-small " + 10 * GIB, "llm-medium " + 30 * GIB, "embeddings " + 4 * GIB);
    assertThat(series(text, "gpu_agent_pod_allocated_devices", gpu0))
        .containsExactlyInAnyOrder("llm-small 10", "llm-medium 30", "embeddings 4");
    assertThat(text)
        .contains("gpu_agent_gpu_sharing_info{")
        .contains("mode=\"memory-slices\"")
        .contains("mode=\"replicas\"");
  }

  @Test
  void thePodOverItsQuotaIsCountedWithObserveAndEndedWithKillAloneOnItsGpu() {
    String gpu1 = node.deviceByIndex(1).uuid();
    String observed = metrics(sampled(monitor(Enforcement.OBSERVE)));
    assertThat(series(observed, "gpu_agent_pod_gpu_quota_violations_total", gpu1))
        .containsExactlyInAnyOrder("llm-large 0", "llm-batch 1");
    assertThat(pids(1)).containsExactlyInAnyOrder(31101, 31102);

    exporter.close();
    QuotaMonitor killing = monitor(Enforcement.KILL);
    killing.sampleNow();
    assertThat(pids(1)).containsExactly(31101);
    assertThat(pids(0)).containsExactlyInAnyOrder(31001, 31002, 31003, 31004);
    assertThat(Files.exists(pods.procRoot().resolve("31102"))).isFalse();
    String killed = metrics(sampled(killing));
    assertThat(series(killed, "gpu_agent_pod_gpu_memory_used_bytes", gpu1))
        .containsExactlyInAnyOrder("llm-large " + 36 * GIB, "llm-batch 0");
  }

  private QuotaMonitor sampled(QuotaMonitor monitor) {
    monitor.sampleNow();
    return monitor;
  }

  private QuotaMonitor monitor(Enforcement slices) {
    Map<String, SharedDevice> plan =
        Map.of(
            uuid(0), sliced(uuid(0), slices),
            uuid(1), sliced(uuid(1), slices),
            uuid(2),
                new SharedDevice(
                    uuid(2), SharingMode.REPLICAS, Enforcement.OBSERVE, 0, 4, "nvidia.com/gpu"));
    return new QuotaMonitor(
        new QuotaConfig(Duration.ofSeconds(1), pods.procRoot(), Duration.ofSeconds(10)),
        node,
        () -> plan,
        pods,
        pods.signals(),
        clock);
  }

  private static SharedDevice sliced(String uuid, Enforcement enforcement) {
    return new SharedDevice(
        uuid, SharingMode.MEMORY_SLICES, enforcement, GIB, 77, "nvidia.com/gpu-memory");
  }

  private String metrics(QuotaMonitor monitor) {
    Inventory inventory = new InventoryReader(node, clock).read();
    exporter =
        new MetricsExporter(
            ExporterConfig.defaults().withJvmMetrics(false),
            node,
            () -> inventory,
            pods,
            DeviceHealthSource.NONE,
            () -> QuotaAccounting.of(monitor.current()),
            () -> 0,
            "test-node",
            clock);
    exporter.sampleNow();
    return new String(exporter.render(null).body(), StandardCharsets.UTF_8);
  }

  /** "pod value" of each series of {@code name} on the GPU. */
  private static List<String> series(String text, String name, String uuid) {
    return text.lines()
        .filter(line -> line.startsWith(name + "{") && line.contains("UUID=\"" + uuid + "\""))
        .map(
            line -> {
              String pod = line.replaceAll(".*[{,]pod=\"([^\"]*)\".*", "$1");
              double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
              return pod + " " + (long) value;
            })
        .toList();
  }

  private String uuid(int index) {
    return node.deviceByIndex(index).uuid();
  }

  private List<Integer> pids(int gpu) {
    return node.deviceByIndex(gpu).computeRunningProcesses().stream().map(p -> p.pid()).toList();
  }
}

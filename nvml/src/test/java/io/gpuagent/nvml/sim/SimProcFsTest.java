package io.gpuagent.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.ProcessInfo;
import io.gpuagent.testing.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated /proc tree and signals to simulated processes. */
class SimProcFsTest {
  private final ManualClock clock = new ManualClock();

  @TempDir Path dir;

  @Test
  void aPodsProcessHasItsAllocationInItsEnvironAndAKubepodsCgroup() throws IOException {
    SimulatedNode node = SimNodes.started("h100x8-shared", clock);
    node.mirrorProcFs(dir);
    String gpu1 = node.deviceByIndex(1).uuid();

    String environ = Files.readString(dir.resolve("31102/environ"), StandardCharsets.UTF_8);
    assertThat(environ.split("\0"))
        .contains(
            "NVIDIA_VISIBLE_DEVICES=" + gpu1,
            "GPU_AGENT_DEVICE_IDS="
                + String.join(
                    ",",
                    java.util.stream.IntStream.range(40, 46)
                        .mapToObj(k -> gpu1 + "::" + k)
                        .toList()));
    assertThat(Files.readString(dir.resolve("31102/cgroup")))
        .startsWith("0::/kubepods.slice/")
        .contains("cri-containerd-");
    assertThat(Files.readString(dir.resolve("20300/environ")))
        .doesNotContain("GPU_AGENT_DEVICE_IDS");
  }

  @Test
  void processesStartingAndEndingKeepTheTreeInStep() {
    SimulatedNode node = SimNodes.started("h100x8", clock);
    node.mirrorProcFs(dir);
    NvmlDevice gpu = node.deviceByIndex(7);

    node.inject(gpu.uuid(), new SimFault.Process(77, 1L << 30, 50));
    assertThat(dir.resolve("77/environ")).exists();
    assertThat(node.terminateProcess(77)).isTrue();

    assertThat(dir.resolve("77")).doesNotExist();
    assertThat(gpu.computeRunningProcesses()).isEmpty();
    assertThat(gpu.memoryInfo().usedBytes()).isZero();
    assertThat(node.activeFaults()).isEmpty();
    assertThat(node.terminateProcess(77)).isFalse();
  }

  @Test
  void aProcessIgnoringSigtermEndsOnlyOnSigkill() throws IOException {
    Path profile =
        Files.writeString(
            dir.resolve("stubborn.yaml"),
            """
            gpus:
              - {model: NVIDIA H100 80GB HBM3, busId: "0000:18:00.0", numaNode: 0}
            pods:
              - name: stubborn
                gpu: 0
                shares: {count: 4}
                processes: [{pid: 900, memoryMiB: 1024, smPercent: 50, ignoresSigterm: true}]
            """);
    SimulatedNode node = SimNodes.started(profile.toString(), new SimOptions("n", 1, clock));
    NvmlDevice gpu = node.deviceByIndex(0);

    assertThat(node.terminateProcess(900)).isTrue();
    assertThat(gpu.computeRunningProcesses()).extracting(ProcessInfo::pid).containsExactly(900);
    assertThat(node.killProcess(900)).isTrue();
    assertThat(gpu.computeRunningProcesses()).isEmpty();
    assertThat(node.pods()).singleElement().satisfies(p -> assertThat(p.deviceIds()).hasSize(4));
  }
}

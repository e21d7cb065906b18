package io.gpuagent.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.testing.ManualClock;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimProfileLoaderTest {
  @TempDir Path dir;

  private final ManualClock clock = new ManualClock();

  @Test
  void unknownKeyIsAnErrorNamingFileAndKey() {
    assertProfileError(
        "gpus:\n  - {model: NVIDIA L40S, busId: \"0000:18:00.0\", numaNode: 0, numa: 1}\n",
        "bad.yaml: gpus[0].numa: unknown key (known: ");
    assertProfileError(
        "gpus:\n  - {model: NVIDIA L40S, busId: \"0000:18:00.0\", numaNode: 0}\nfabric: nvswitch\n",
        "bad.yaml: fabric: unknown key");
  }

  @Test
  void unknownModelListsTheKnownOnes() {
    assertProfileError(
        "gpus:\n  - {model: NVIDIA L40S, busId: \"0000:18:00.0\", numaNode: 0}\n"
            + "  - {model: H200, busId: \"0000:19:00.0\", numaNode: 0}\n",
        "bad.yaml: gpus[1].model: unknown GPU model 'H200' (known: NVIDIA A100-PCIE-40GB, ");
  }

  @Test
  void migLayoutTheHardwareWouldRefuseIsAnError() {
    assertProfileError(
        migGpu("[{profile: 3g.40gb, start: 2}]"),
        "bad.yaml: gpus[0].mig.instances[0].start: 3g.40gb at 2: placement 2:4 is not one of");
    assertProfileError(
        migGpu("[{profile: 4g.40gb, start: 0}, {profile: 2g.20gb, start: 2}]"),
        "bad.yaml: gpus[0].mig.instances[1].start: 2g.20gb at 2: memory slices [2:2] overlap"
            + " 4g.40gb");
    assertProfileError(
        migGpu("[{profile: 5g.50gb, start: 0}]"),
        "bad.yaml: gpus[0].mig.instances[0].profile: unknown MIG profile '5g.50gb'");
  }

  @Test
  void migOnAGpuWithoutMigIsAnError() {
    assertProfileError(
        "gpus:\n"
            + "  - {model: NVIDIA L40S, busId: \"0000:18:00.0\", numaNode: 0, mig: {enabled:"
            + " true}}\n",
        "bad.yaml: gpus[0].mig: NVIDIA L40S does not support MIG");
  }

  @Test
  void malformedOrDuplicateBusIdsAndNvlinkOnPcieCardsAreErrors() {
    assertProfileError(
        "gpus:\n  - {model: NVIDIA L40S, busId: 0000:18:00.0, numaNode: 0}\n",
        "bad.yaml: gpus[0].busId: expected a string (quote it)");
    assertProfileError(
        "gpus:\n  - {model: NVIDIA L40S, busId: \"18:00\", numaNode: 0}\n",
        "bad.yaml: gpus[0].busId: expected a PCI bus id");
    assertProfileError(
        "gpus:\n  - {model: NVIDIA L40S, busId: \"0000:18:00.0\", numaNode: 0}\n"
            + "  - {model: NVIDIA L40S, busId: \"00000000:18:00.0\", numaNode: 0}\n",
        "bad.yaml: gpus[1].busId: bus id 00000000:18:00.0 is already used by gpus[0]");
    assertProfileError(
        "nvlink: {fabric: nvswitch}\n"
            + "gpus:\n"
            + "  - {model: NVIDIA L40S, busId: \"0000:18:00.0\", numaNode: 0}\n",
        "bad.yaml: gpus[0].model: NVIDIA L40S has no NVLink");
  }

  @Test
  void notAProfileNameNorAFileIsAnError() {
    assertThatThrownBy(() -> SimulatedNode.load("h200x8", SimOptions.defaults()))
        .isInstanceOf(SimProfileException.class)
        .hasMessage(
            "profile 'h200x8': not a built-in profile [a100-mig, h100x8, h100x8-shared, pcie-mixed]"
                + " and not a .yaml, .yml or .json file");
    assertThatThrownBy(
            () -> SimulatedNode.load(dir.resolve("missing.yaml").toString(), SimOptions.defaults()))
        .isInstanceOf(SimProfileException.class)
        .hasMessageContaining("missing.yaml: cannot read the file");
  }

  @Test
  void jsonProfileWorksAndItsNameDefaultsToTheFileName() {
    Path file =
        SimNodes.write(
            dir,
            "lab.json",
            "{\"gpus\": [{\"model\": \"NVIDIA A100-SXM4-40GB\", \"busId\": \"0000:3b:00.0\","
                + " \"numaNode\": 0, \"workload\": {\"utilization\": 30, \"amplitude\": 10}}]}");

    SimulatedNode node = SimNodes.started(file.toString(), clock);

    assertThat(node.profileName()).isEqualTo("lab");
    assertThat(node.deviceByIndex(0).pciInfo().busId()).isEqualTo("00000000:3B:00.0");
    assertThat(node.deviceByIndex(0).name()).isEqualTo("NVIDIA A100-SXM4-40GB");
  }

  @Test
  void podsMayNotShareASliceNorAPid() {
    String gpu =
        "gpus:\n  - {model: NVIDIA H100 80GB HBM3, busId: \"0000:18:00.0\", numaNode: 0}\n";
    assertProfileError(
        gpu
            + "pods:\n"
            + "  - {name: a, gpu: 0, shares: {from: 0, count: 4}}\n"
            + "  - {name: b, gpu: 0, shares: {from: 3, count: 4}}\n",
        "bad.yaml: pods[1].shares: share 3 of GPU 0 is already held by default/a/main");
    assertProfileError(
        gpu
            + "pods:\n"
            + "  - {name: a, gpu: 0, shares: {count: 1}, processes: [{pid: 5, memoryMiB: 1}]}\n"
            + "  - {name: b, gpu: 0, shares: {from: 1, count: 1},"
            + " processes: [{pid: 5, memoryMiB: 1}]}\n",
        "bad.yaml: pods[1].processes: pid 5 is used twice on the node");
    assertProfileError(
        gpu + "pods:\n  - {name: a, gpu: 1, shares: {count: 1}}\n",
        "bad.yaml: pods[0].gpu: no GPU 1 (1 GPUs)");
  }

  @Test
  void aPodProcessThatDoesNotFitIsAProfileError() {
    Path file =
        SimNodes.write(
            dir,
            "big.yaml",
            "gpus:\n  - {model: NVIDIA H100 80GB HBM3, busId: \"0000:18:00.0\", numaNode: 0}\n"
                + "pods:\n  - {name: a, gpu: 0, shares: {count: 1},"
                + " processes: [{pid: 5, memoryMiB: 81000}]}\n");
    assertThatThrownBy(() -> SimulatedNode.load(file.toString(), SimOptions.defaults()))
        .isInstanceOf(SimProfileException.class)
        .hasMessageContaining(
            "pid 5 needs 81000 MiB and a CUDA context, but GPU 0 has 81092 MiB free");
  }

  @Test
  void backgroundProcessesNeedTheirMemory() {
    assertProfileError(
        "gpus:\n  - {model: NVIDIA L40S, busId: \"0000:18:00.0\", numaNode: 0,"
            + " workload: {utilization: 50, processes: 1}}\n",
        "bad.yaml: gpus[0].workload.memoryMiB: background processes need memoryMiB > 0 each");
  }

  private String migGpu(String instances) {
    return "gpus:\n  - model: NVIDIA A100-SXM4-80GB\n    busId: \"0000:18:00.0\"\n    numaNode: 0\n"
        + "    mig: {enabled: true, instances: "
        + instances
        + "}\n";
  }

  private void assertProfileError(String yaml, String expectedStart) {
    Path file = SimNodes.write(dir, "bad.yaml", yaml);
    assertThatThrownBy(() -> SimulatedNode.load(file.toString(), SimOptions.defaults()))
        .isInstanceOf(SimProfileException.class)
        .hasMessageStartingWith(
            "profile " + file + ": " + expectedStart.substring("bad.yaml: ".length()))
        .hasMessageNotContaining("\n");
  }
}

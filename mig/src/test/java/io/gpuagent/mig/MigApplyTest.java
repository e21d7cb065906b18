package io.gpuagent.mig;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.mig.label.SelectionOutcome;
import io.gpuagent.nvml.MigMode;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Applying layouts on the simulated a100-mig node (GPUs 0 and 1 in MIG mode, 2 and 3 not). */
class MigApplyTest {
  @TempDir Path dir;

  @Test
  void aGpuWithAProcessIsRefusedUnchangedWhileTheOthersChange() throws IOException {
    SimulatedNode node = MigFixtures.node("a100-mig");
    NvmlDevice gpu0 = node.deviceByIndex(0);
    GpuLayout before = GpuLayout.read(gpu0);
    node.inject(gpu0.migDevices().get(0).uuid(), new SimFault.Process(4242, 1 << 20, 50));

    ApplyReport report = manager(node, true).apply("all-1g.10gb");

    assertThat(report.gpus().get(0).outcome()).isEqualTo(GpuOutcome.Outcome.REFUSED);
    assertThat(report.gpus().get(0).reason())
        .contains("in use by pid 4242")
        .contains("nothing changed");
    assertThat(GpuLayout.read(gpu0)).isEqualTo(before);
    for (int gpu = 1; gpu < 4; gpu++) {
      assertThat(report.gpus().get(gpu).outcome()).isEqualTo(GpuOutcome.Outcome.APPLIED);
      assertThat(GpuLayout.read(node.deviceByIndex(gpu)).profiles())
          .hasSize(7)
          .containsOnly("1g.10gb");
    }
    assertThat(report.state()).isEqualTo(MigState.FAILED);
    assertThat(report.reason()).startsWith("GPU 0 refused: in use by pid 4242");
  }

  @Test
  void aFailedInstanceCreationRollsTheGpuBackAndReapplyingTouchesNothing() throws IOException {
    SimulatedNode node = MigFixtures.node("a100-mig");
    NvmlDevice gpu1 = node.deviceByIndex(1);
    GpuLayout before = GpuLayout.read(gpu1);
    node.inject(gpu1.uuid(), new SimFault.MigCreateFailure(5));
    MigManager manager = manager(node, true);

    ApplyReport failed = manager.apply("all-1g.10gb");

    GpuOutcome outcome = failed.gpus().get(1);
    assertThat(outcome.outcome()).isEqualTo(GpuOutcome.Outcome.FAILED);
    assertThat(outcome.reason())
        .contains("injected fault mig-create-failure")
        .endsWith("rolled back to the previous layout");
    assertThat(GpuLayout.read(gpu1)).isEqualTo(before);
    assertThat(failed.gpus().get(0).outcome()).isEqualTo(GpuOutcome.Outcome.APPLIED);

    ApplyReport second = manager.apply("all-1g.10gb");
    assertThat(second.gpus())
        .extracting(GpuOutcome::outcome)
        .containsExactly(
            GpuOutcome.Outcome.UNCHANGED,
            GpuOutcome.Outcome.APPLIED,
            GpuOutcome.Outcome.UNCHANGED,
            GpuOutcome.Outcome.UNCHANGED);
    List<String> migUuids = migUuids(node);

    ApplyReport third = manager.apply("all-1g.10gb");
    assertThat(third.gpus())
        .extracting(GpuOutcome::outcome)
        .containsOnly(GpuOutcome.Outcome.UNCHANGED);
    assertThat(migUuids(node)).isEqualTo(migUuids);
    assertThat(third.state()).isEqualTo(MigState.SUCCESS);
  }

  @Test
  void aModeChangeWaitsForAResetUnlessResetsAreAllowed() throws IOException {
    SimulatedNode node = MigFixtures.node("a100-mig");
    MigManager manager = manager(node, false);

    ApplyReport report = manager.apply("all-1g.10gb");

    GpuOutcome gpu2 = report.gpus().get(2);
    assertThat(gpu2.outcome()).isEqualTo(GpuOutcome.Outcome.PENDING_RESET);
    assertThat(gpu2.reason())
        .isEqualTo("MIG mode on waits for a GPU reset (mig.allowReset is false)");
    assertThat(node.deviceByIndex(2).migMode()).contains(new MigMode(false, true));
    assertThat(report.state()).isEqualTo(MigState.PENDING_RESET);

    node.resetGpu(node.deviceByIndex(2).uuid());
    node.resetGpu(node.deviceByIndex(3).uuid());
    assertThat(manager.apply("all-1g.10gb").state()).isEqualTo(MigState.SUCCESS);
  }

  @Test
  void aGpuWhoseMigCallsAreRefusedFailsAloneAndTheOthersChange() throws IOException {
    SimulatedNode node = MigFixtures.node("a100-mig");
    node.inject(node.deviceByIndex(1).uuid(), new SimFault.Unprivileged());

    ApplyReport report = manager(node, true).apply("all-1g.10gb");

    assertThat(report.gpus().get(1).outcome()).isEqualTo(GpuOutcome.Outcome.REFUSED);
    assertThat(report.gpus().get(1).reason())
        .startsWith("cannot read the GPU's MIG layout:")
        .contains("NO_PERMISSION");
    assertThat(report.gpus().get(0).outcome()).isEqualTo(GpuOutcome.Outcome.APPLIED);
    assertThat(report.gpus().get(3).outcome()).isEqualTo(GpuOutcome.Outcome.APPLIED);
  }

  @Test
  void theSelectorAnswersAnUnknownLayoutWithTheReason() throws IOException {
    MigManager manager = manager(MigFixtures.node("a100-mig"), true);

    SelectionOutcome selection = manager.select("no-such-layout");

    assertThat(selection.success()).isFalse();
    assertThat(selection.reason()).contains("no layout 'no-such-layout' in mig-configs");
  }

  private MigManager manager(SimulatedNode node, boolean allowReset) throws IOException {
    return new MigManager(
        node,
        new MigConfig(
            Optional.of(DefaultConfigOnSimulatedNodesTest.copyFixture(dir)),
            Optional.empty(),
            allowReset,
            Duration.ZERO,
            false),
        GpuDrain.NONE,
        gpu -> node.resetGpu(gpu.uuid()),
        Clock.systemUTC());
  }

  private static List<String> migUuids(SimulatedNode node) {
    return node.devices().stream()
        .flatMap(gpu -> gpu.migDevices().stream())
        .map(NvmlDevice::uuid)
        .toList();
  }
}

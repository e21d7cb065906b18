package io.gpuagent.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.GpuInstanceProfile;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.Placement;
import io.gpuagent.testing.ManualClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The MIG placement rules, profile by profile, on every MIG model the hardware tables cover. */
class MigPlacementTest {
  @TempDir Path dir;

  private final ManualClock clock = new ManualClock();

  private NvmlDevice emptyGpu(String model) {
    return SimNodes.emptyMigGpu(dir, model, clock).deviceByIndex(0);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"NVIDIA A100-SXM4-40GB", "NVIDIA A100-SXM4-80GB", "NVIDIA H100 80GB HBM3"})
  void everyValidPlacementIsAcceptedOnAnEmptyGpu(String model) {
    NvmlDevice gpu = emptyGpu(model);
    for (GpuInstanceProfile profile : gpu.gpuInstanceProfiles()) {
      for (Placement placement : gpu.gpuInstancePossiblePlacements(profile.id())) {
        GpuInstance gi = gpu.createGpuInstance(profile.id(), placement);
        assertThat(gi.info().placement()).isEqualTo(placement);
        assertThat(gi.info().profileId()).isEqualTo(profile.id());
        gi.destroy();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"NVIDIA A100-SXM4-40GB", "NVIDIA A100-SXM4-80GB", "NVIDIA H100 80GB HBM3"})
  void everyInvalidStartOrSizeIsRefusedWithInvalidArgument(String model) {
    NvmlDevice gpu = emptyGpu(model);
    for (GpuInstanceProfile profile : gpu.gpuInstanceProfiles()) {
      List<Placement> valid = gpu.gpuInstancePossiblePlacements(profile.id());
      int size = valid.get(0).size();
      for (int start = 0; start < MigPlacementRules.MEMORY_SLICES; start++) {
        Placement placement = new Placement(start, size);
        if (!valid.contains(placement)) {
          assertRefused(
              () -> gpu.createGpuInstance(profile.id(), placement), NvmlReturn.INVALID_ARGUMENT);
        }
      }
      Placement wrongSize = new Placement(valid.get(0).start(), size + 1);
      assertRefused(
          () -> gpu.createGpuInstance(profile.id(), wrongSize), NvmlReturn.INVALID_ARGUMENT);
    }
    assertThat(gpu.allGpuInstances()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"NVIDIA A100-SXM4-40GB", "NVIDIA A100-SXM4-80GB", "NVIDIA H100 80GB HBM3"})
  void overlappingPlacementsAreRefusedWithInsufficientResources(String model) {
    NvmlDevice gpu = emptyGpu(model);
    List<GpuInstanceProfile> profiles = gpu.gpuInstanceProfiles();
    for (GpuInstanceProfile first : profiles) {
      for (Placement taken : gpu.gpuInstancePossiblePlacements(first.id())) {
        GpuInstance gi = gpu.createGpuInstance(first.id(), taken);
        for (GpuInstanceProfile second : profiles) {
          for (Placement wanted : gpu.gpuInstancePossiblePlacements(second.id())) {
            if (wanted.overlaps(taken)) {
              assertRefused(
                  () -> gpu.createGpuInstance(second.id(), wanted),
                  NvmlReturn.INSUFFICIENT_RESOURCES);
            }
          }
        }
        gi.destroy();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"NVIDIA A100-SXM4-40GB", "NVIDIA A100-SXM4-80GB", "NVIDIA H100 80GB HBM3"})
  void eachProfileStopsAtItsMaximumInstanceCount(String model) {
    NvmlDevice gpu = emptyGpu(model);
    for (GpuInstanceProfile profile : gpu.gpuInstanceProfiles()) {
      List<GpuInstance> created = new ArrayList<>();
      for (int i = 0; i < profile.instanceCount(); i++) {
        created.add(gpu.createGpuInstance(profile.id()));
      }
      assertThat(gpu.gpuInstances(profile.id())).hasSize(profile.instanceCount());
      assertRefused(() -> gpu.createGpuInstance(profile.id()), NvmlReturn.INSUFFICIENT_RESOURCES);
      created.forEach(GpuInstance::destroy);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"NVIDIA A100-SXM4-40GB", "NVIDIA A100-SXM4-80GB", "NVIDIA H100 80GB HBM3"})
  void aSecondMediaExtensionInstanceIsRefusedThoughItsSliceIsFree(String model) {
    NvmlDevice gpu = emptyGpu(model);
    gpu.createGpuInstance(20, new Placement(0, 1));

    assertRefused(
        () -> gpu.createGpuInstance(20, new Placement(1, 1)), NvmlReturn.INSUFFICIENT_RESOURCES);
    assertThat(gpu.createGpuInstance(19, new Placement(1, 1)).info().id()).isEqualTo(8);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"NVIDIA A100-SXM4-40GB", "NVIDIA A100-SXM4-80GB", "NVIDIA H100 80GB HBM3"})
  void threeSliceInstanceAtPositionTwoIsRefused(String model) {
    NvmlDevice gpu = emptyGpu(model);

    assertRefused(() -> gpu.createGpuInstance(9, new Placement(2, 4)), NvmlReturn.INVALID_ARGUMENT);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"NVIDIA A100-SXM4-40GB", "NVIDIA A100-SXM4-80GB", "NVIDIA H100 80GB HBM3"})
  void gpuInstanceIdsComeFromThePartitionPools(String model) {
    NvmlDevice gpu = emptyGpu(model);

    assertThat(gpu.createGpuInstance(0).info().id()).isZero();
    gpu.gpuInstanceById(0).destroy();
    assertThat(gpu.createGpuInstance(9, new Placement(4, 4)).info().id()).isEqualTo(2);
    assertThat(gpu.createGpuInstance(14, new Placement(2, 2)).info().id()).isEqualTo(4);
    assertThat(gpu.createGpuInstance(19, new Placement(0, 1)).info().id()).isEqualTo(7);
    assertThat(gpu.createGpuInstance(19, new Placement(1, 1)).info().id()).isEqualTo(8);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"NVIDIA A100-SXM4-40GB", "NVIDIA A100-SXM4-80GB", "NVIDIA H100 80GB HBM3"})
  void possiblePlacementsDoNotDependOnWhatIsOccupied(String model) {
    NvmlDevice gpu = emptyGpu(model);
    gpu.createGpuInstance(0);

    assertThat(gpu.gpuInstancePossiblePlacements(19))
        .containsExactlyElementsOf(
            IntStream.range(0, 7).mapToObj(s -> new Placement(s, 1)).toList());
    assertThat(gpu.gpuInstancePossiblePlacements(15))
        .containsExactly(
            new Placement(0, 2), new Placement(2, 2), new Placement(4, 2), new Placement(6, 2));
    assertThat(gpu.gpuInstancePossiblePlacements(14))
        .containsExactly(new Placement(0, 2), new Placement(2, 2), new Placement(4, 2));
    assertThat(gpu.gpuInstancePossiblePlacements(9))
        .containsExactly(new Placement(0, 4), new Placement(4, 4));
    assertThat(gpu.gpuInstancePossiblePlacements(5)).containsExactly(new Placement(0, 4));
    assertThat(gpu.gpuInstancePossiblePlacements(0)).containsExactly(new Placement(0, 8));
  }

  @Test
  void a100_80gbProfileTableMatchesNvidiaSmi() {
    assertThat(table(emptyGpu("NVIDIA A100-SXM4-80GB")))
        .containsExactly(
            "19 MIG 1g.10gb x7 9728MiB 14SM slices=1",
            "14 MIG 2g.20gb x3 19968MiB 28SM slices=2",
            "9 MIG 3g.40gb x2 40192MiB 42SM slices=3",
            "5 MIG 4g.40gb x1 40192MiB 56SM slices=4",
            "0 MIG 7g.80gb x1 81152MiB 98SM slices=7",
            "20 MIG 1g.10gb+me x1 9728MiB 14SM slices=1",
            "15 MIG 1g.20gb x4 19968MiB 14SM slices=1");
  }

  @Test
  void a100_40gbProfileTableMatchesNvidiaSmi() {
    assertThat(table(emptyGpu("NVIDIA A100-SXM4-40GB")))
        .containsExactly(
            "19 MIG 1g.5gb x7 4864MiB 14SM slices=1",
            "14 MIG 2g.10gb x3 9856MiB 28SM slices=2",
            "9 MIG 3g.20gb x2 19968MiB 42SM slices=3",
            "5 MIG 4g.20gb x1 19968MiB 56SM slices=4",
            "0 MIG 7g.40gb x1 40192MiB 98SM slices=7",
            "20 MIG 1g.5gb+me x1 4864MiB 14SM slices=1",
            "15 MIG 1g.10gb x4 9856MiB 14SM slices=1");
  }

  @Test
  void h100ProfileTableMatchesRealInstances() {
    assertThat(table(emptyGpu("NVIDIA H100 80GB HBM3")))
        .containsExactly(
            "19 MIG 1g.10gb x7 9984MiB 16SM slices=1",
            "14 MIG 2g.20gb x3 20096MiB 32SM slices=2",
            "9 MIG 3g.40gb x2 40448MiB 60SM slices=3",
            "5 MIG 4g.40gb x1 40448MiB 64SM slices=4",
            "0 MIG 7g.80gb x1 81152MiB 132SM slices=7",
            "20 MIG 1g.10gb+me x1 9984MiB 16SM slices=1",
            "15 MIG 1g.20gb x4 20096MiB 26SM slices=1");
  }

  private static List<String> table(NvmlDevice gpu) {
    return gpu.gpuInstanceProfiles().stream()
        .map(
            p ->
                p.id()
                    + " "
                    + p.name()
                    + " x"
                    + p.instanceCount()
                    + " "
                    + p.memorySizeMiB()
                    + "MiB "
                    + p.multiprocessorCount()
                    + "SM slices="
                    + p.sliceCount())
        .toList();
  }

  static void assertRefused(Runnable call, NvmlReturn code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(NvmlException.class, e -> assertThat(e.code()).isEqualTo(code));
  }
}

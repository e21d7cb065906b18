package io.gpuagent.mig;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.mig.MigProfileTable;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigPlacementSolverTest {
  private static final MigProfileTable A100 =
      SimulatedNode.builtInMigTable("NVIDIA A100-SXM4-80GB").orElseThrow();

  @Test
  void tooManyMemorySlicesAreExplainedWithTheCounts() {
    assertThat(solve(A100, "3g.40gb", 2, "2g.20gb", 1))
        .isEqualTo(
            new MigPlacementSolver.Refused(
                "2 × 3g.40gb + 1 × 2g.20gb needs 10 memory slices; A100-SXM4-80GB has 8"));
  }

  @Test
  void aProfileTheModelDoesNotHaveIsRefusedWithTheModelsProfiles() {
    MigPlacementSolver.Result result = solve(A100, "1g.24gb+gfx", 4);
    assertThat(result).isInstanceOf(MigPlacementSolver.Refused.class);
    assertThat(((MigPlacementSolver.Refused) result).reason())
        .startsWith("A100-SXM4-80GB has no MIG profile 1g.24gb+gfx (it has 1g.10gb, 1g.10gb+me,");
  }

  @Test
  void limitsAndMediaExtensionsAreTheHardwares() {
    assertThat(solve(A100, "1g.20gb", 5))
        .isEqualTo(
            new MigPlacementSolver.Refused("5 × 1g.20gb: A100-SXM4-80GB allows at most 4 per GPU"));
    assertThat(solve(A100, "1g.10gb+me", 1, "1g.10gb", 7))
        .isEqualTo(
            new MigPlacementSolver.Refused(
                "1 × 1g.10gb+me + 7 × 1g.10gb needs 8 compute slices; A100-SXM4-80GB has 7"));
  }

  @Test
  void aMixedLayoutGetsExactNonOverlappingPlacementsLargestFirst() {
    MigPlacementSolver.Result result = solve(A100, "4g.40gb", 1, "2g.20gb", 1, "1g.10gb", 1);

    assertThat(names(((MigPlacementSolver.Solved) result).instances()))
        .containsExactly("4g.40gb@0:4", "2g.20gb@4:2", "1g.10gb@6:1");
  }

  @Test
  void aLayoutThatNeedsBacktrackingIsStillFound() {
    // all-balanced: 3g.40gb first at 0 leaves 1g.10gb no start after 6; at 4 everything fits
    MigPlacementSolver.Result result = solve(A100, "1g.10gb", 2, "2g.20gb", 1, "3g.40gb", 1);

    assertThat(names(((MigPlacementSolver.Solved) result).instances()))
        .containsExactly("2g.20gb@0:2", "1g.10gb@2:1", "1g.10gb@3:1", "3g.40gb@4:4");
  }

  private static MigPlacementSolver.Result solve(MigProfileTable table, Object... pairs) {
    Map<String, Integer> request = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      request.put((String) pairs[i], (Integer) pairs[i + 1]);
    }
    return MigPlacementSolver.solve(table, request);
  }

  static List<String> names(List<MigInstance> instances) {
    return instances.stream().map(MigInstance::toString).toList();
  }
}

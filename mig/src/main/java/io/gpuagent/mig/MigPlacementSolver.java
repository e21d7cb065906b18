package io.gpuagent.mig;

import io.gpuagent.nvml.Placement;
import io.gpuagent.nvml.mig.MigProfileSpec;
import io.gpuagent.nvml.mig.MigProfileTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Places the GPU instances a layout asks of one GPU under the rules the hardware enforces (8 memory
 * and 7 compute slices, each profile's start positions and instance limit, at most one {@code
 * +me}): exact (a depth-first search over start positions, so a layout that fits is always found),
 * deterministic (largest profiles first, lowest start first) and a few microseconds, since a GPU
 * holds at most 7 instances. An infeasible request is explained in one line.
 */
public final class MigPlacementSolver {

  /** What the solver answers: placements, or the hardware's reason. */
  public sealed interface Result {}

  /** The instances at their placements, by first memory slice. */
  public record Solved(List<MigInstance> instances) implements Result {
    public Solved {
      instances = List.copyOf(instances);
    }
  }

  /** The reason the hardware cannot take the request. */
  public record Refused(String reason) implements Result {}

  private static final Comparator<MigProfileSpec> LARGEST_FIRST =
      Comparator.comparingInt(MigProfileSpec::memorySlices)
          .reversed()
          .thenComparing(Comparator.comparingInt(MigProfileSpec::computeSlices).reversed())
          .thenComparingInt(p -> p.starts().size())
          .thenComparing(MigProfileSpec::name);

  private MigPlacementSolver() {}

  /**
   * Places {@code request} (profile name → count, in the file's order) on a GPU of {@code table}.
   */
  public static Result solve(MigProfileTable table, Map<String, Integer> request) {
    String model = table.shortModel();
    List<MigProfileSpec> wanted = new ArrayList<>();
    int memory = 0;
    int compute = 0;
    int media = 0;
    for (Map.Entry<String, Integer> entry : request.entrySet()) {
      String name = entry.getKey();
      int count = entry.getValue();
      if (count == 0) {
        continue;
      }
      if (name.matches("\\d+c\\..*")) {
        return new Refused(
            "compute-instance profile "
                + name
                + " is not supported: ask for whole GPU instances such as "
                + name.substring(name.indexOf('.') + 1));
      }
      MigProfileSpec profile = table.byName(name).orElse(null);
      if (profile == null) {
        return new Refused(
            model
                + " has no MIG profile "
                + name
                + " (it has "
                + table.profiles().stream()
                    .map(MigProfileSpec::name)
                    .collect(Collectors.joining(", "))
                + ")");
      }
      if (count > profile.maxInstances()) {
        return new Refused(
            count
                + " × "
                + name
                + ": "
                + model
                + " allows at most "
                + profile.maxInstances()
                + " per GPU");
      }
      for (int i = 0; i < count; i++) {
        wanted.add(profile);
      }
      memory += count * profile.memorySlices();
      compute += count * profile.computeSlices();
      media += profile.mediaExtensions() ? count : 0;
    }
    String asked = MigConfigEntry.describe(request);
    if (media > 1) {
      return new Refused(asked + " has " + media + " +me instances; " + model + " allows one");
    }
    if (memory > MigProfileTable.MEMORY_SLICES) {
      return new Refused(
          asked
              + " needs "
              + memory
              + " memory slices; "
              + model
              + " has "
              + MigProfileTable.MEMORY_SLICES);
    }
    if (compute > MigProfileTable.COMPUTE_SLICES) {
      return new Refused(
          asked
              + " needs "
              + compute
              + " compute slices; "
              + model
              + " has "
              + MigProfileTable.COMPUTE_SLICES);
    }
    wanted.sort(LARGEST_FIRST);
    int[] starts = new int[wanted.size()];
    if (!place(wanted, 0, 0, starts)) {
      return new Refused(
          asked
              + " fits no arrangement of "
              + model
              + "'s start positions ("
              + wanted.stream()
                  .distinct()
                  .map(p -> p.name() + " at " + p.starts())
                  .collect(Collectors.joining(", "))
              + ")");
    }
    List<MigInstance> placed = new ArrayList<>(wanted.size());
    for (int i = 0; i < wanted.size(); i++) {
      MigProfileSpec profile = wanted.get(i);
      placed.add(
          new MigInstance(
              profile.name(), profile.id(), new Placement(starts[i], profile.memorySlices())));
    }
    placed.sort(Comparator.comparingInt((MigInstance m) -> m.placement().start()));
    return new Solved(placed);
  }

  /** Depth-first: instance {@code i} at each free start in order; {@code used} is a slice mask. */
  private static boolean place(List<MigProfileSpec> wanted, int i, int used, int[] starts) {
    if (i == wanted.size()) {
      return true;
    }
    MigProfileSpec profile = wanted.get(i);
    int mask = (1 << profile.memorySlices()) - 1;
    // the same profile as the previous instance starts after it: no permutation is tried twice
    int from = i > 0 && wanted.get(i - 1).equals(profile) ? starts[i - 1] + 1 : 0;
    for (int start : profile.starts()) {
      if (start < from || (used & (mask << start)) != 0) {
        continue;
      }
      starts[i] = start;
      if (place(wanted, i + 1, used | (mask << start), starts)) {
        return true;
      }
    }
    return false;
  }
}

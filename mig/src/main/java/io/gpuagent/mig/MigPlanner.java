package io.gpuagent.mig;

import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.mig.MigProfileTable;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns a layout of a mig-parted file into one {@link GpuPlan} per GPU of this node. A GPU takes
 * the last entry that selects it (by index and PCI device id), as mig-parted applies entries in
 * order; entries for other GPU models select nothing and are not errors. Reads NVML, changes
 * nothing.
 */
public final class MigPlanner {
  private final Nvml nvml;
  private final Function<NvmlDevice, Optional<MigProfileTable>> tables;

  /**
   * The profile table comes from NVML while MIG mode is on; with MIG off NVML lists none, so the
   * published table of the model (the one the simulator enforces) is used.
   */
  public MigPlanner(Nvml nvml) {
    this(
        nvml,
        gpu -> MigProfileTable.fromNvml(gpu).or(() -> SimulatedNode.builtInMigTable(gpu.name())));
  }

  MigPlanner(Nvml nvml, Function<NvmlDevice, Optional<MigProfileTable>> tables) {
    this.nvml = nvml;
    this.tables = tables;
  }

  /**
   * The plan of every GPU for layout {@code name}; an unknown name is a {@link MigConfigException}.
   */
  public List<GpuPlan> plan(MigConfigFile file, String name) {
    List<MigConfigEntry> entries = file.layout(name);
    List<GpuPlan> plans = new ArrayList<>();
    for (NvmlDevice gpu : nvml.devices()) {
      try {
        plans.add(plan(gpu, GpuLayout.read(gpu), name, entries));
      } catch (NvmlException e) {
        // one GPU NVML will not describe is refused; the others are planned
        plans.add(
            new GpuPlan(
                GpuLayout.unreadable(gpu),
                GpuPlan.Action.REFUSE,
                false,
                List.of(),
                "cannot read the GPU's MIG layout: " + e.getMessage()));
      }
    }
    return List.copyOf(plans);
  }

  GpuPlan plan(NvmlDevice gpu, GpuLayout current, String name, List<MigConfigEntry> entries) {
    MigConfigEntry entry = null;
    for (MigConfigEntry candidate : entries) {
      if (candidate.selects(current.index(), current.pciDeviceId())) {
        entry = candidate;
      }
    }
    if (entry == null) {
      return new GpuPlan(
          current,
          GpuPlan.Action.KEEP,
          current.migEnabled(),
          current.instances(),
          "no entry of " + name + " selects this GPU");
    }
    String where = name + "[" + entry.position() + "]: ";
    if (!entry.migEnabled()) {
      boolean off = !current.migEnabled() && !current.resetPending();
      return new GpuPlan(
          current,
          off ? GpuPlan.Action.UNCHANGED : GpuPlan.Action.CHANGE,
          false,
          List.of(),
          off ? "MIG is off" : "turn MIG off");
    }
    if (!current.migCapable()) {
      return refuse(current, where + shortName(current) + " does not support MIG");
    }
    Optional<MigProfileTable> table = tables.apply(gpu);
    if (table.isEmpty()) {
      return refuse(
          current,
          where + "the MIG profiles of " + shortName(current) + " are unknown while MIG is off");
    }
    MigPlacementSolver.Result result = MigPlacementSolver.solve(table.get(), entry.migDevices());
    if (result instanceof MigPlacementSolver.Refused refused) {
      return refuse(current, where + refused.reason());
    }
    List<MigInstance> solved = ((MigPlacementSolver.Solved) result).instances();
    boolean same =
        current.migEnabled()
            && !current.resetPending()
            && current
                .profiles()
                .equals(solved.stream().map(MigInstance::profile).sorted().toList());
    return new GpuPlan(
        current,
        same ? GpuPlan.Action.UNCHANGED : GpuPlan.Action.CHANGE,
        true,
        same ? current.instances() : solved,
        same ? "already laid out" : MigConfigEntry.describe(entry.migDevices()));
  }

  private static GpuPlan refuse(GpuLayout current, String reason) {
    return new GpuPlan(current, GpuPlan.Action.REFUSE, current.migEnabled(), List.of(), reason);
  }

  private static String shortName(GpuLayout layout) {
    return layout.model().startsWith("NVIDIA ") ? layout.model().substring(7) : layout.model();
  }
}

package io.gpuagent.agent.cli;

import io.gpuagent.mig.ApplyReport;
import io.gpuagent.mig.GpuLayout;
import io.gpuagent.mig.GpuOutcome;
import io.gpuagent.mig.GpuPlan;
import io.gpuagent.mig.MigInstance;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code gpu-agent mig} as a table: one row per GPU (index, model, MIG mode, what happens, its
 * instances as {@code profile@start:slices}), then a line per GPU that needs a reason.
 */
final class MigTable {
  private static final String ROW = "%-4s %-24s %-8s %-14s %s%n";

  private MigTable() {}

  static String plan(List<GpuPlan> plans) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, ROW, "GPU", "MODEL", "MIG", "ACTION", "INSTANCES"));
    for (GpuPlan plan : plans) {
      GpuLayout gpu = plan.current();
      String instances =
          plan.action() == GpuPlan.Action.CHANGE
              ? describe(gpu)
                  + " -> "
                  + (plan.migEnabled() ? describe(plan.instances()) : "MIG off")
              : describe(gpu);
      out.append(
          String.format(
              Locale.ROOT,
              ROW,
              gpu.index(),
              model(gpu),
              mode(gpu),
              plan.action().word(),
              instances));
    }
    for (GpuPlan plan : plans) {
      if (plan.action() == GpuPlan.Action.REFUSE || plan.changesMode()) {
        out.append("GPU ")
            .append(plan.current().index())
            .append(": ")
            .append(
                plan.action() == GpuPlan.Action.REFUSE
                    ? plan.reason()
                    : "MIG mode changes: needs a GPU reset")
            .append('\n');
      }
    }
    return out.toString();
  }

  static String report(ApplyReport report) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, ROW, "GPU", "MODEL", "MIG", "OUTCOME", "INSTANCES"));
    for (GpuOutcome gpu : report.gpus()) {
      GpuLayout layout = gpu.layout();
      out.append(
          String.format(
              Locale.ROOT,
              ROW,
              gpu.index(),
              model(layout),
              mode(layout),
              gpu.outcome().word(),
              describe(layout)));
    }
    for (GpuOutcome gpu : report.gpus()) {
      if (!gpu.outcome().success()) {
        out.append("GPU ").append(gpu.index()).append(": ").append(gpu.reason()).append('\n');
      }
    }
    out.append("layout ")
        .append(report.layout())
        .append(": ")
        .append(report.state().word())
        .append(" in ")
        .append(report.took().toMillis())
        .append(" ms\n");
    return out.toString();
  }

  private static String model(GpuLayout gpu) {
    return gpu.model().startsWith("NVIDIA ") ? gpu.model().substring(7) : gpu.model();
  }

  private static String mode(GpuLayout gpu) {
    if (!gpu.migCapable()) {
      return "n/a";
    }
    String now = gpu.migEnabled() ? "on" : "off";
    return gpu.resetPending() ? now + "*" : now;
  }

  private static String describe(GpuLayout gpu) {
    return gpu.migEnabled() ? describe(gpu.instances()) : "-";
  }

  private static String describe(List<MigInstance> instances) {
    return instances.isEmpty()
        ? "(none)"
        : instances.stream().map(MigInstance::toString).collect(Collectors.joining(" "));
  }
}

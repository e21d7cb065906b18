package io.gpuagent.agent.cli;

import io.gpuagent.agent.http.InventoryJson;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.LostGpu;
import io.gpuagent.nvml.inventory.MigDevice;
import java.util.Locale;

/** The human-readable inventory of {@code gpu-agent devices}. */
final class DevicesTable {
  private static final String ROW = "%-4s %-40s %-28s %-16s %-4s %10s  %s%n";

  private DevicesTable() {}

  static String render(Inventory inventory) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "driver %s, NVML %s, CUDA %s, %d GPU(s)%n",
            inventory.driverVersion(),
            inventory.nvmlVersion(),
            InventoryJson.cudaVersion(inventory.cudaDriverVersion()),
            inventory.gpus().size() + inventory.lostGpus().size()));
    out.append(
        String.format(
            Locale.ROOT, ROW, "IDX", "UUID", "NAME", "PCI BUS ID", "NUMA", "MEMORY", "MIG"));
    for (Gpu gpu : inventory.gpus()) {
      out.append(
          String.format(
              Locale.ROOT,
              ROW,
              gpu.index(),
              gpu.uuid(),
              gpu.name(),
              gpu.pciBusId(),
              gpu.numaNode().map(String::valueOf).orElse("-"),
              gib(gpu.memoryTotalBytes()),
              migColumn(gpu)));
      for (MigDevice mig : gpu.migDevices()) {
        out.append(
            String.format(
                Locale.ROOT,
                "     └ %-40s %-12s gi=%-2d ci=%-2d slices %d-%d %10s%n",
                mig.uuid(),
                mig.profile(),
                mig.gpuInstanceId(),
                mig.computeInstanceId(),
                mig.placement().start(),
                mig.placement().start() + mig.placement().size() - 1,
                gib(mig.memoryTotalBytes())));
      }
    }
    for (LostGpu lost : inventory.lostGpus()) {
      out.append(
          String.format(
              Locale.ROOT,
              ROW,
              lost.index(),
              lost.uuid().orElse("?"),
              "(not answering: " + lost.error().nvmlName() + ")",
              "-",
              "-",
              "-",
              "-"));
    }
    return out.toString();
  }

  private static String migColumn(Gpu gpu) {
    if (gpu.migMode().isEmpty()) {
      return "n/a";
    }
    String now = gpu.migEnabled() ? "on" : "off";
    boolean pending = gpu.migMode().get().pending();
    return pending == gpu.migEnabled()
        ? now
        : now + " (" + (pending ? "on" : "off") + " after reset)";
  }

  private static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  }
}

package io.gpuagent.deviceplugin.allocation;

import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.PciInfo;
import io.gpuagent.nvml.TopologyLevel;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores every pair of the inventory's GPUs from NVML: NVLinks between them, then the closest PCIe
 * level they share. A GPU that stops answering meanwhile keeps its place with no NVLink and its
 * NUMA node for locality; the failure is logged, not thrown, so one bad GPU does not stop the
 * others from being allocated well.
 */
final class NvmlTopologyReader {
  private static final Logger LOG = LoggerFactory.getLogger(NvmlTopologyReader.class);
  private static final Pattern BUS_ID =
      Pattern.compile("([0-9a-fA-F]+):([0-9a-fA-F]+):([0-9a-fA-F]+)\\.([0-7])");

  private final Nvml nvml;
  private final List<Gpu> gpus;
  private final Map<String, Integer> positionByBusId = new HashMap<>();
  private final Set<Integer> gpuPciDeviceIds = new HashSet<>();

  private NvmlTopologyReader(Nvml nvml, Inventory inventory) {
    this.nvml = nvml;
    this.gpus = inventory.gpus().stream().sorted(Comparator.comparingInt(Gpu::index)).toList();
    for (int i = 0; i < gpus.size(); i++) {
      positionByBusId.put(busKey(gpus.get(i).pciBusId()), i);
      gpuPciDeviceIds.add(gpus.get(i).pciDeviceId());
    }
  }

  static GpuTopology read(Nvml nvml, Inventory inventory) {
    return new NvmlTopologyReader(nvml, inventory).read();
  }

  private GpuTopology read() {
    List<Optional<NvmlDevice>> handles = new ArrayList<>();
    List<NvLinkEnds> links = new ArrayList<>();
    for (Gpu gpu : gpus) {
      Optional<NvmlDevice> handle = handle(gpu);
      handles.add(handle);
      links.add(handle.map(device -> nvLinkEnds(gpu, device)).orElse(NvLinkEnds.NONE));
    }
    return GpuTopology.scored(
        gpus.stream().map(Gpu::uuid).toList(),
        (a, b) ->
            new PairScore(
                links.get(a).linksBetween(a, links.get(b), b),
                pcieLevel(a, handles.get(a), b, handles.get(b))));
  }

  /** By index: NVML refuses every lookup by UUID while any GPU of the node is lost. */
  private Optional<NvmlDevice> handle(Gpu gpu) {
    try {
      NvmlDevice device = nvml.deviceByIndex(gpu.index());
      if (device.uuid().equals(gpu.uuid())) {
        return Optional.of(device);
      }
      LOG.atWarn()
          .setMessage("topology-unreadable")
          .addKeyValue("uuid", gpu.uuid())
          .addKeyValue("index", gpu.index())
          .addKeyValue("reason", "index-now-holds-" + device.uuid())
          .log();
    } catch (NvmlException e) {
      logUnreadable(gpu, e);
    }
    return Optional.empty();
  }

  private NvLinkEnds nvLinkEnds(Gpu gpu, NvmlDevice device) {
    Map<Integer, Integer> toGpu = new HashMap<>();
    Map<String, Integer> toSwitch = new HashMap<>();
    try {
      for (int link = 0; link < NvmlDevice.MAX_NVLINKS; link++) {
        if (!device.nvLinkActive(link).orElse(false)) {
          continue;
        }
        Optional<PciInfo> remote = device.nvLinkRemotePciInfo(link);
        if (remote.isEmpty()) {
          continue;
        }
        String key = busKey(remote.get().busId());
        Integer peer = positionByBusId.get(key);
        if (peer != null) {
          toGpu.merge(peer, 1, Integer::sum);
        } else if (!gpuPciDeviceIds.contains(remote.get().pciDeviceId())) {
          // Not a GPU of this node and not a GPU model it has (a lost peer): an NVSwitch.
          toSwitch.merge(key, 1, Integer::sum);
        }
      }
    } catch (NvmlException e) {
      logUnreadable(gpu, e);
      return NvLinkEnds.NONE;
    }
    return new NvLinkEnds(toGpu, toSwitch);
  }

  private TopologyLevel pcieLevel(
      int a, Optional<NvmlDevice> first, int b, Optional<NvmlDevice> second) {
    if (first.isPresent() && second.isPresent()) {
      try {
        return nvml.topologyCommonAncestor(first.get(), second.get());
      } catch (NvmlException e) {
        LOG.atWarn()
            .setMessage("topology-unreadable")
            .addKeyValue("uuid", gpus.get(a).uuid())
            .addKeyValue("peer", gpus.get(b).uuid())
            .addKeyValue("function", e.function())
            .addKeyValue("error", e.code().nvmlName())
            .log();
      }
    }
    Optional<Integer> numa = gpus.get(a).numaNode();
    return numa.isPresent() && numa.equals(gpus.get(b).numaNode())
        ? TopologyLevel.NODE
        : TopologyLevel.SYSTEM;
  }

  private static void logUnreadable(Gpu gpu, NvmlException e) {
    LOG.atWarn()
        .setMessage("topology-unreadable")
        .addKeyValue("uuid", gpu.uuid())
        .addKeyValue("function", e.function())
        .addKeyValue("error", e.code().nvmlName())
        .log();
  }

  /** NVML writes {@code 00000000:18:00.0}, profiles and sysfs {@code 0000:18:00.0}: one key. */
  static String busKey(String busId) {
    Matcher m = BUS_ID.matcher(busId.trim());
    if (!m.matches()) {
      return busId.trim().toLowerCase(Locale.ROOT);
    }
    return String.format(
        Locale.ROOT,
        "%x:%x:%x.%s",
        Long.parseLong(m.group(1), 16),
        Integer.parseInt(m.group(2), 16),
        Integer.parseInt(m.group(3), 16),
        m.group(4));
  }
}

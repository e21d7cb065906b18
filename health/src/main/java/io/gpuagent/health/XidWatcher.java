package io.gpuagent.health;

import io.gpuagent.nvml.EventData;
import io.gpuagent.nvml.events.NvmlEventListener;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.MigDevice;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health module's listener on the NVML event pump. An XID carrying GPU-instance /
 * compute-instance ids lands on that MIG device (found through the inventory); one without lands on
 * the GPU and all its MIG devices. Every XID is counted; those on the ignore list (application
 * errors) change nothing else. A double-bit ECC event is counted and logged but decides nothing: it
 * carries no count (eventData 0), and the XID the driver raises with it (48, 94, 95) and the
 * uncorrected counters the poll reads do decide, as in NVIDIA's device plugin. Runs on the pump's
 * thread: no NVML calls, only the health book's lock.
 */
final class XidWatcher implements NvmlEventListener {
  private static final Logger LOG = LoggerFactory.getLogger(XidWatcher.class);

  private final HealthBook book;
  private final Set<Integer> ignoredXids;
  private final Supplier<Optional<Inventory>> inventory;

  XidWatcher(HealthBook book, Set<Integer> ignoredXids, Supplier<Optional<Inventory>> inventory) {
    this.book = book;
    this.ignoredXids = Set.copyOf(ignoredXids);
    this.inventory = inventory;
  }

  @Override
  public void onEvent(EventData event) {
    String gpuUuid = event.device().uuid();
    switch (event.type()) {
      case XID_CRITICAL_ERROR -> {
        int xid = (int) event.data();
        boolean ignored = ignoredXids.contains(xid);
        for (String target : targets(gpuUuid, event)) {
          book.xid(target, xid, ignored);
        }
      }
      case DOUBLE_BIT_ECC_ERROR -> {
        book.doubleBitEccEvent();
        LOG.atInfo()
            .setMessage("ecc-double-bit")
            .addKeyValue("uuid", gpuUuid)
            .addKeyValue("decides", "no")
            .log();
      }
      default -> {
        // Corrected (single-bit) errors and other event types say nothing about health.
      }
    }
  }

  @Override
  public String toString() {
    return "health-xid-watcher";
  }

  /** The MIG devices an instance-scoped event names, or the GPU for a GPU-wide one. */
  private List<String> targets(String gpuUuid, EventData event) {
    if (event.gpuInstanceId().isEmpty()) {
      return List.of(gpuUuid);
    }
    int gi = event.gpuInstanceId().get();
    Optional<Integer> ci = event.computeInstanceId();
    List<String> instances =
        inventory
            .get()
            .flatMap(inv -> gpu(inv, gpuUuid))
            .map(Gpu::migDevices)
            .orElse(List.of())
            .stream()
            .filter(mig -> mig.gpuInstanceId() == gi)
            .filter(mig -> ci.map(id -> id == mig.computeInstanceId()).orElse(true))
            .map(MigDevice::uuid)
            .toList();
    if (instances.isEmpty()) {
      // An instance the inventory does not know (yet): the GPU is the narrowest sure target.
      LOG.atWarn()
          .setMessage("xid-instance-unknown")
          .addKeyValue("uuid", gpuUuid)
          .addKeyValue("gi", gi)
          .addKeyValue("ci", ci.map(String::valueOf).orElse("-"))
          .addKeyValue("xid", event.data())
          .addKeyValue("target", "gpu")
          .log();
      return List.of(gpuUuid);
    }
    return instances;
  }

  private static Optional<Gpu> gpu(Inventory inventory, String uuid) {
    return inventory.gpus().stream().filter(gpu -> gpu.uuid().equals(uuid)).findFirst();
  }
}

package io.gpuagent.health;

import io.gpuagent.nvml.EccCounterType;
import io.gpuagent.nvml.EccErrorType;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.RemappedRows;
import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.LostGpu;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads each GPU's error state once a cycle: growth of the volatile uncorrected ECC count,
 * row-remap failure and pending remap, and whether the GPU answers at all (GPU_IS_LOST). This is
 * also the fallback where a GPU cannot deliver XID events; that is logged once per GPU. Handles
 * come by index, not UUID: NVML fails every UUID lookup while any GPU is lost.
 */
final class CounterPoller {
  private static final Logger LOG = LoggerFactory.getLogger(CounterPoller.class);

  private final Nvml nvml;
  private final HealthBook book;
  private final Duration interval;
  private final Map<String, Long> uncorrected = new HashMap<>();
  private final Set<String> eventSupportChecked = new HashSet<>();
  private final Map<String, NvmlReturn> lastError = new HashMap<>();

  CounterPoller(Nvml nvml, HealthBook book, Duration interval) {
    this.nvml = nvml;
    this.book = book;
    this.interval = interval;
  }

  synchronized void poll(Inventory inventory) {
    Set<String> polled = new HashSet<>();
    for (Gpu gpu : inventory.gpus()) {
      polled.add(gpu.uuid());
      poll(gpu.index(), gpu.uuid(), false);
    }
    for (LostGpu lost : inventory.lostGpus()) {
      lost.uuid()
          .ifPresent(
              uuid -> {
                polled.add(uuid);
                poll(lost.index(), uuid, true);
              });
    }
    uncorrected.keySet().retainAll(polled);
    lastError.keySet().retainAll(polled);
  }

  /**
   * @param inventoryLost the inventory could not read this GPU: only the next inventory may clear
   *     its {@code gpu-lost} (a GPU that answers these few calls may still fail the full read, and
   *     clearing here would flap its health at every poll)
   */
  private void poll(int index, String uuid, boolean inventoryLost) {
    try {
      NvmlDevice device = nvml.deviceByIndex(index);
      if (!device.uuid().equals(uuid)) {
        // The inventory is stale; the next one names this GPU again.
        return;
      }
      checkEventSupportOnce(device);
      Optional<Long> count =
          device.eccErrorCount(EccErrorType.UNCORRECTED, EccCounterType.VOLATILE);
      Optional<RemappedRows> rows = device.remappedRows();
      lastError.remove(uuid);
      if (!inventoryLost) {
        book.condition(uuid, HealthReason.GPU_LOST, false, "");
      }
      count.ifPresent(value -> eccGrowth(uuid, value));
      rows.ifPresent(value -> remaps(uuid, value));
    } catch (NvmlException e) {
      if (e.isDeviceLost()) {
        book.condition(uuid, HealthReason.GPU_LOST, true, e.function() + " " + e.code().nvmlName());
      } else if (lastError.put(uuid, e.code()) != e.code()) {
        LOG.atWarn()
            .setMessage("health-poll-failed")
            .addKeyValue("uuid", uuid)
            .addKeyValue("function", e.function())
            .addKeyValue("error", e.code().nvmlName())
            .log();
      }
    }
  }

  /** The first count is the baseline; a drop (a reset restarts the counter) is a new baseline. */
  private void eccGrowth(String uuid, long count) {
    Long before = uncorrected.put(uuid, count);
    if (before != null && count > before) {
      book.event(
          uuid,
          HealthReason.ECC_UNCORRECTABLE,
          "volatile uncorrected ECC errors " + before + " -> " + count);
    }
  }

  private void remaps(String uuid, RemappedRows rows) {
    book.condition(
        uuid,
        HealthReason.ROW_REMAP_PENDING,
        rows.pending(),
        "row remap pending, " + rows.uncorrectable() + " rows remapped for uncorrectable errors");
    book.condition(uuid, HealthReason.ROW_REMAP_FAILURE, rows.failure(), "row remap failure");
  }

  private void checkEventSupportOnce(NvmlDevice device) {
    if (eventSupportChecked.add(device.uuid())
        && !device.supportedEventTypes().contains(EventType.XID_CRITICAL_ERROR)) {
      LOG.atInfo()
          .setMessage("xid-events-unavailable")
          .addKeyValue("uuid", device.uuid())
          .addKeyValue(
              "fallback",
              "poll uncorrected ECC and remapped rows every " + interval.toMillis() + " ms")
          .log();
    }
  }
}

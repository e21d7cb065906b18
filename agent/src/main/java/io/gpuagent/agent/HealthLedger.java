package io.gpuagent.agent;

import io.gpuagent.deviceplugin.DeviceHealth;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.LostGpu;
import io.gpuagent.nvml.inventory.MigDevice;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one decision of each device's health, pushed to every module that acts on it (the
 * device plugin's ListAndWatch) and read by those that report it (the exporter). Today its only
 * input is the inventory: a GPU that stops answering NVML is unhealthy until it answers again. The
 * health module (XIDs, probes) feeds the same ledger.
 */
final class HealthLedger {
  private static final Logger LOG = LoggerFactory.getLogger(HealthLedger.class);

  private final Clock clock;
  private final List<BiConsumer<String, DeviceHealth>> listeners = new CopyOnWriteArrayList<>();
  private volatile Map<String, DeviceHealth> current = Map.of();

  HealthLedger(Clock clock) {
    this.clock = clock;
  }

  /** Called with (uuid, health) on every change, in order. */
  void onChange(BiConsumer<String, DeviceHealth> listener) {
    listeners.add(listener);
  }

  /** Health of every device the ledger knows, by GPU or MIG UUID. */
  Map<String, DeviceHealth> current() {
    return current;
  }

  synchronized void onInventory(Inventory inventory) {
    Map<String, DeviceHealth> next = new HashMap<>();
    for (Gpu gpu : inventory.gpus()) {
      next.put(gpu.uuid(), keep(gpu.uuid(), DeviceHealth.healthy()));
      for (MigDevice mig : gpu.migDevices()) {
        next.put(mig.uuid(), keep(mig.uuid(), DeviceHealth.healthy()));
      }
    }
    for (LostGpu lost : inventory.lostGpus()) {
      String reason = lost.error().name().toLowerCase(Locale.ROOT);
      lost.uuid()
          .ifPresent(
              uuid -> next.put(uuid, keep(uuid, DeviceHealth.unhealthy(reason, clock.instant()))));
    }
    Map<String, DeviceHealth> previous = current;
    current = Map.copyOf(next);
    next.forEach(
        (uuid, health) -> {
          DeviceHealth before = previous.get(uuid);
          if (before == null || before.isHealthy() != health.isHealthy()) {
            if (before != null) {
              LOG.info(
                  "event=health-changed uuid={} health={} reason={}",
                  uuid,
                  health.kubeletValue(),
                  health instanceof DeviceHealth.Unhealthy bad ? bad.reason() : "-");
            }
            listeners.forEach(listener -> listener.accept(uuid, health));
          }
        });
  }

  /** The same state keeps its first "since"; a change starts a new one. */
  private DeviceHealth keep(String uuid, DeviceHealth candidate) {
    DeviceHealth before = current.get(uuid);
    return before != null && before.isHealthy() == candidate.isHealthy() ? before : candidate;
  }
}

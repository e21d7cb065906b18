package io.gpuagent.agent;

import io.gpuagent.deviceplugin.DeviceHealth;
import io.gpuagent.health.HealthTransition;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.LostGpu;
import io.gpuagent.nvml.inventory.MigDevice;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one decision of each device's health, pushed to every module that acts on it (the
 * device plugin's ListAndWatch) and read by those that report it (the exporter). Two inputs: the
 * inventory (a GPU that stops answering NVML) and the health module's state machine (XIDs, ECC,
 * probes). A device is healthy only when neither says otherwise; the health module's reason wins.
 */
final class HealthLedger {
  private static final Logger LOG = LoggerFactory.getLogger(HealthLedger.class);

  private final Clock clock;
  private final List<BiConsumer<String, DeviceHealth>> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, DeviceHealth> fromInventory = new HashMap<>();
  private final Map<String, DeviceHealth> fromHealthModule = new HashMap<>();
  private volatile Map<String, DeviceHealth> current = Map.of();

  HealthLedger(Clock clock) {
    this.clock = clock;
  }

  /** Called with (uuid, health) on every change of a device's health, in order. */
  void onChange(BiConsumer<String, DeviceHealth> listener) {
    listeners.add(listener);
  }

  /** Health of every device the ledger knows, by GPU or MIG UUID. */
  Map<String, DeviceHealth> current() {
    return current;
  }

  synchronized void onInventory(Inventory inventory) {
    fromInventory.clear();
    for (Gpu gpu : inventory.gpus()) {
      fromInventory.put(gpu.uuid(), DeviceHealth.healthy());
      for (MigDevice mig : gpu.migDevices()) {
        fromInventory.put(mig.uuid(), DeviceHealth.healthy());
      }
    }
    for (LostGpu lost : inventory.lostGpus()) {
      lost.uuid()
          .ifPresent(
              uuid -> fromInventory.put(uuid, DeviceHealth.unhealthy("gpu-lost", clock.instant())));
    }
    fromHealthModule.keySet().retainAll(fromInventory.keySet());
    publish();
  }

  synchronized void onTransition(HealthTransition transition) {
    HealthState to = transition.to();
    fromHealthModule.put(
        transition.deviceUuid(),
        to instanceof HealthState.Unhealthy bad
            ? DeviceHealth.unhealthy(bad.reason().label(), bad.since())
            : DeviceHealth.healthy());
    publish();
  }

  private void publish() {
    Map<String, DeviceHealth> previous = current;
    Map<String, DeviceHealth> next = new HashMap<>();
    Set<String> uuids = new HashSet<>(fromInventory.keySet());
    uuids.addAll(fromHealthModule.keySet());
    for (String uuid : uuids) {
      DeviceHealth module = fromHealthModule.getOrDefault(uuid, DeviceHealth.healthy());
      DeviceHealth inventory = fromInventory.getOrDefault(uuid, DeviceHealth.healthy());
      DeviceHealth merged = !module.isHealthy() ? module : inventory;
      DeviceHealth before = previous.get(uuid);
      // The same state keeps its first "since"; a change starts a new one.
      next.put(uuid, before != null && sameState(before, merged) ? before : merged);
    }
    current = Map.copyOf(next);
    next.forEach(
        (uuid, health) -> {
          DeviceHealth before = previous.get(uuid);
          if (before == null || !sameState(before, health)) {
            if (before != null) {
              LOG.info(
                  "event=health-changed uuid={} health={} reason={}",
                  uuid,
                  health.kubeletValue(),
                  reason(health));
            }
            listeners.forEach(listener -> listener.accept(uuid, health));
          }
        });
  }

  private static boolean sameState(DeviceHealth a, DeviceHealth b) {
    return a.isHealthy() == b.isHealthy() && reason(a).equals(reason(b));
  }

  private static String reason(DeviceHealth health) {
    return health instanceof DeviceHealth.Unhealthy bad ? bad.reason() : "-";
  }
}

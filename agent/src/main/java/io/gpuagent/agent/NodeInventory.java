package io.gpuagent.agent;

import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryListener;
import io.gpuagent.nvml.inventory.InventoryReader;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's current {@link Inventory} and the one path that rebuilds it. {@link #rebuild()} reads
 * NVML, swaps the published snapshot (the exporter and the HTTP API read it without locking) and
 * tells every {@link InventoryListener} (device plugin, event pump, health) in order. It runs at
 * start-up and then only when the agent itself notices a change: {@link InventoryWatcher} calls it
 * on a MIG config-change event, a changed hardware fingerprint, a health change or a kubelet
 * restart. Rebuilds are serialised; one that finds the same hardware publishes nothing.
 */
public final class NodeInventory {
  private static final Logger LOG = LoggerFactory.getLogger(NodeInventory.class);

  private final InventoryReader reader;
  private final AtomicReference<Inventory> current = new AtomicReference<>();
  private final List<InventoryListener> listeners = new CopyOnWriteArrayList<>();

  public NodeInventory(InventoryReader reader) {
    this.reader = reader;
  }

  /**
   * Reads the inventory again; publishes it and tells every listener unless it describes the same
   * hardware as the one published. Returns the inventory in force.
   */
  public synchronized Inventory rebuild() {
    Inventory previous = current.get();
    Inventory inventory = reader.read(Optional.ofNullable(previous));
    if (previous != null && sameHardware(previous, inventory)) {
      LOG.atDebug()
          .setMessage("inventory-unchanged")
          .addKeyValue("gpus", inventory.gpus().size())
          .log();
      return previous;
    }
    current.set(inventory);
    LOG.atInfo()
        .setMessage("inventory-built")
        .addKeyValue("gpus", inventory.gpus().size())
        .addKeyValue(
            "migDevices", inventory.gpus().stream().mapToInt(gpu -> gpu.migDevices().size()).sum())
        .addKeyValue("lostGpus", inventory.lostGpus().size())
        .log();
    for (InventoryListener listener : listeners) {
      try {
        listener.onInventory(inventory);
      } catch (RuntimeException e) {
        // One consumer's failure must not keep the inventory from the others.
        LOG.atError()
            .setMessage("inventory-listener-failed")
            .addKeyValue("listener", listener)
            .setCause(e)
            .log();
      }
    }
    return inventory;
  }

  /** Empty until the first {@link #rebuild()} finished. */
  public Optional<Inventory> current() {
    return Optional.ofNullable(current.get());
  }

  /** Adds a listener; it is told of the inventories published from then on. */
  public void addListener(InventoryListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private static boolean sameHardware(Inventory a, Inventory b) {
    return a.withBuiltAt(b.builtAt()).equals(b);
  }
}

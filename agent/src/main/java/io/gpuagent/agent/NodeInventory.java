package io.gpuagent.agent;

import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's current {@link Inventory} and the one path that rebuilds it. Start-up, fault
 * injection, MIG re-layout and kubelet restarts all call {@link #rebuild()}; readers take the
 * published snapshot without locking.
 */
public final class NodeInventory {
  private static final Logger LOG = LoggerFactory.getLogger(NodeInventory.class);

  private final InventoryReader reader;
  private final AtomicReference<Inventory> current = new AtomicReference<>();
  private final List<Consumer<Inventory>> listeners = new CopyOnWriteArrayList<>();

  public NodeInventory(InventoryReader reader) {
    this.reader = reader;
  }

  /** Reads the inventory again, publishes it and tells every listener. */
  public synchronized Inventory rebuild() {
    Inventory inventory = reader.read(current());
    current.set(inventory);
    LOG.info(
        "event=inventory-built gpus={} migDevices={} lostGpus={}",
        inventory.gpus().size(),
        inventory.gpus().stream().mapToInt(gpu -> gpu.migDevices().size()).sum(),
        inventory.lostGpus().size());
    listeners.forEach(listener -> listener.accept(inventory));
    return inventory;
  }

  /** Empty until the first {@link #rebuild()} finished. */
  public Optional<Inventory> current() {
    return Optional.ofNullable(current.get());
  }

  public void onChange(Consumer<Inventory> listener) {
    listeners.add(listener);
  }
}

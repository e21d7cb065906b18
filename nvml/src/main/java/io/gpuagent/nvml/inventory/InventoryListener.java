package io.gpuagent.nvml.inventory;

/**
 * Told of each new {@link Inventory} the agent publishes. Called on the rebuilding thread, one
 * inventory at a time and in order; an inventory equal to the previous one may come again, so
 * handling it must be idempotent.
 */
@FunctionalInterface
public interface InventoryListener {
  void onInventory(Inventory inventory);
}

package io.gpuagent.agent.http;

import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.LostGpu;
import io.gpuagent.nvml.inventory.MigDevice;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/** The JSON of {@code GET /api/v1/devices} and {@code gpu-agent devices --json}: one shape. */
public final class InventoryJson {
  private InventoryJson() {}

  public static JsonObject of(String nodeName, Inventory inventory) {
    return of(nodeName, inventory, uuid -> new JsonObject());
  }

  /**
   * The inventory with what the running agent knows of each device ({@code annotations}: resource
   * name, health, the pods holding it) merged into the device's object.
   */
  public static JsonObject of(
      String nodeName, Inventory inventory, Function<String, JsonObject> annotations) {
    JsonArray devices = new JsonArray();
    inventory.gpus().forEach(gpu -> devices.add(gpu(gpu, annotations)));
    JsonArray lost = new JsonArray();
    inventory
        .lostGpus()
        .forEach(
            gpu ->
                lost.add(lost(gpu).mergeIn(gpu.uuid().map(annotations).orElse(new JsonObject()))));
    return new JsonObject()
        .put("node", nodeName)
        .put("driverVersion", inventory.driverVersion())
        .put("nvmlVersion", inventory.nvmlVersion())
        .put("cudaDriverVersion", cudaVersion(inventory.cudaDriverVersion()))
        .put("builtAt", inventory.builtAt().toString())
        .put("devices", devices)
        .put("lostDevices", lost);
  }

  /** NVML's 12040 is CUDA 12.4. */
  public static String cudaVersion(int nvmlValue) {
    return nvmlValue / 1000 + "." + (nvmlValue % 1000) / 10;
  }

  private static JsonObject gpu(Gpu gpu, Function<String, JsonObject> annotations) {
    JsonArray migDevices = new JsonArray();
    gpu.migDevices()
        .forEach(mig -> migDevices.add(mig(mig).mergeIn(annotations.apply(mig.uuid()))));
    return new JsonObject()
        .put("index", gpu.index())
        .put("uuid", gpu.uuid())
        .put("name", gpu.name())
        .put("brand", gpu.brand().name())
        .put("architecture", gpu.architecture().name())
        .put("computeCapability", gpu.computeCapability().toString())
        .put("pciBusId", gpu.pciBusId())
        .put("pciDeviceId", String.format("0x%08X", gpu.pciDeviceId()))
        .put("serial", gpu.serial().orElse(null))
        .put("minorNumber", gpu.minorNumber())
        .put("numaNode", gpu.numaNode().orElse(null))
        .put("memoryTotalBytes", gpu.memoryTotalBytes())
        .put("migCapable", gpu.migMode().isPresent())
        .put("migEnabled", gpu.migEnabled())
        .put("migPending", gpu.migMode().map(mode -> mode.pending()).orElse(false))
        .put("migDevices", migDevices)
        .mergeIn(annotations.apply(gpu.uuid()));
  }

  private static JsonObject mig(MigDevice mig) {
    return new JsonObject()
        .put("index", mig.index())
        .put("uuid", mig.uuid())
        .put("profile", mig.profile())
        .put("gpuInstanceProfileId", mig.gpuInstanceProfileId())
        .put("gpuInstanceId", mig.gpuInstanceId())
        .put("computeInstanceId", mig.computeInstanceId())
        .put(
            "placement",
            new JsonObject()
                .put("start", mig.placement().start())
                .put("size", mig.placement().size()))
        .put("memoryTotalBytes", mig.memoryTotalBytes());
  }

  private static JsonObject lost(LostGpu gpu) {
    return new JsonObject()
        .put("index", gpu.index())
        .put("uuid", gpu.uuid().orElse(null))
        .put("error", gpu.error().nvmlName());
  }
}

package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.sharing.SharedDevice;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.LostGpu;
import io.gpuagent.nvml.inventory.MigDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Turns an inventory into resources by the MIG strategy, as NVIDIA's device plugin does, keeping
 * the devices of lost GPUs (from the previous plan) advertised; the health module marks them.
 */
final class ResourcePlanner {
  static final String GPU = "gpu";

  /** The kubelet refuses longer device IDs. */
  static final int MAX_ID_LENGTH = 63;

  private final DevicePluginConfig config;
  private final SharePlanner sharePlanner;

  ResourcePlanner(DevicePluginConfig config) {
    this.config = config;
    this.sharePlanner = new SharePlanner(config);
  }

  ResourcePlan plan(Inventory inventory, Optional<ResourcePlan> previous) {
    List<String> problems = new ArrayList<>(inventory.problems());
    Map<String, List<PlannedDevice>> byShortName = new LinkedHashMap<>();
    byShortName.put(GPU, new ArrayList<>());
    boolean gpuResourceRefused = false;
    switch (config.migStrategy()) {
      case NONE -> inventory.gpus().forEach(gpu -> byShortName.get(GPU).add(wholeGpu(gpu)));
      case SINGLE -> {
        Optional<String> violation = singleStrategyViolation(inventory);
        if (violation.isPresent()) {
          problems.add(violation.get());
          gpuResourceRefused = true;
        } else {
          for (Gpu gpu : inventory.gpus()) {
            if (gpu.migEnabled()) {
              gpu.migDevices().forEach(mig -> byShortName.get(GPU).add(migDevice(gpu, mig)));
            } else {
              byShortName.get(GPU).add(wholeGpu(gpu));
            }
          }
        }
      }
      case MIXED -> {
        for (Gpu gpu : inventory.gpus()) {
          if (!gpu.migEnabled()) {
            byShortName.get(GPU).add(wholeGpu(gpu));
          }
          for (MigDevice mig : gpu.migDevices()) {
            byShortName
                .computeIfAbsent(migShortName(mig.profile()), name -> new ArrayList<>())
                .add(migDevice(gpu, mig));
          }
        }
      }
    }
    Map<String, SharedDevice> shared = sharePlanner.share(inventory, byShortName, problems);
    if (!gpuResourceRefused) {
      addLostGpus(inventory, previous, byShortName, shared);
    }
    List<PlannedResource> resources = resources(byShortName, problems);
    Map<String, SharedDevice> advertised = new LinkedHashMap<>();
    shared.forEach(
        (uuid, device) -> {
          if (resources.stream()
              .anyMatch(
                  resource ->
                      resource.name().equals(device.resource())
                          && resource.devices().stream().anyMatch(d -> d.target().equals(uuid)))) {
            advertised.put(uuid, device);
          }
        });
    return new ResourcePlan(inventory, resources, advertised, problems);
  }

  /**
   * {@code mig-1g.10gb}; {@code +} (as in {@code 1g.10gb+me}) is not allowed in a resource name.
   */
  static String migShortName(String profile) {
    return "mig-" + profile.replace('+', '.');
  }

  /**
   * NVIDIA's rule for {@code single}: with MIG on at all, every GPU must be in MIG mode and every
   * MIG device must have the same profile. A node with MIG off everywhere is advertised as whole
   * GPUs, as {@code none} would.
   */
  private static Optional<String> singleStrategyViolation(Inventory inventory) {
    List<Gpu> gpus = inventory.gpus();
    if (gpus.stream().noneMatch(Gpu::migEnabled)) {
      return Optional.empty();
    }
    List<String> reasons = new ArrayList<>();
    gpus.stream()
        .filter(gpu -> !gpu.migEnabled())
        .forEach(gpu -> reasons.add("GPU " + gpu.index() + " " + gpu.uuid() + " has MIG disabled"));
    TreeSet<String> profiles = new TreeSet<>();
    gpus.forEach(gpu -> gpu.migDevices().forEach(mig -> profiles.add(mig.profile())));
    if (profiles.size() > 1) {
      reasons.add("MIG profiles " + String.join(", ", profiles) + " are mixed");
    }
    if (profiles.isEmpty()) {
      reasons.add("no MIG device exists");
    }
    if (reasons.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "mig strategy single needs every GPU in MIG mode with one MIG profile, but "
            + String.join("; ", reasons)
            + ": no GPU resource is advertised; use mig strategy mixed or re-partition");
  }

  /**
   * A lost GPU stays named: the devices the previous plan had on it carry over, shares with their
   * sharing; a GPU lost before any plan knew it is advertised whole.
   */
  private static void addLostGpus(
      Inventory inventory,
      Optional<ResourcePlan> previous,
      Map<String, List<PlannedDevice>> byShortName,
      Map<String, SharedDevice> shared) {
    for (LostGpu lost : inventory.lostGpus()) {
      if (lost.uuid().isEmpty()) {
        continue;
      }
      String uuid = lost.uuid().get();
      boolean carried = false;
      for (PlannedResource resource : previous.map(ResourcePlan::resources).orElse(List.of())) {
        for (PlannedDevice device : resource.devices()) {
          if (device.gpuUuid().equals(uuid)) {
            previous
                .map(plan -> plan.shared().get(device.target()))
                .ifPresent(share -> shared.put(device.target(), share));
            byShortName
                .computeIfAbsent(resource.defaultShortName(), name -> new ArrayList<>())
                .add(device.asLost());
            carried = true;
          }
        }
      }
      if (!carried) {
        byShortName
            .get(GPU)
            .add(
                new PlannedDevice(
                    uuid,
                    uuid,
                    lost.index(),
                    lost.index(),
                    Optional.empty(),
                    Optional.empty(),
                    true));
      }
    }
  }

  private List<PlannedResource> resources(
      Map<String, List<PlannedDevice>> byShortName, List<String> problems) {
    List<PlannedResource> resources = new ArrayList<>();
    Map<String, String> claimedBy = new LinkedHashMap<>();
    List<String> shortNames = new ArrayList<>(byShortName.keySet());
    shortNames.sort((a, b) -> a.equals(GPU) ? -1 : b.equals(GPU) ? 1 : a.compareTo(b));
    for (String shortName : shortNames) {
      String name = config.resourceName(shortName);
      String earlier = claimedBy.putIfAbsent(name, shortName);
      if (earlier != null) {
        problems.add(
            "resourceRenames give "
                + shortName
                + " and "
                + earlier
                + " the same name "
                + name
                + ": "
                + shortName
                + " is not advertised");
        continue;
      }
      List<PlannedDevice> devices = new ArrayList<>();
      for (PlannedDevice device : byShortName.get(shortName)) {
        if (device.id().length() > MAX_ID_LENGTH) {
          problems.add(
              "device ID "
                  + device.id()
                  + " has "
                  + device.id().length()
                  + " characters, more than the kubelet's "
                  + MAX_ID_LENGTH
                  + ": not advertised");
        } else {
          devices.add(device);
        }
      }
      devices.sort(PlannedDevice.NODE_ORDER);
      // NVIDIA's plugin serves no resource without devices either.
      if (!devices.isEmpty()) {
        resources.add(new PlannedResource(shortName, name, devices));
      }
    }
    return resources;
  }

  private static PlannedDevice wholeGpu(Gpu gpu) {
    return new PlannedDevice(
        gpu.uuid(),
        gpu.uuid(),
        gpu.index(),
        gpu.minorNumber(),
        gpu.numaNode(),
        Optional.empty(),
        false);
  }

  private static PlannedDevice migDevice(Gpu gpu, MigDevice mig) {
    return new PlannedDevice(
        mig.uuid(),
        gpu.uuid(),
        gpu.index(),
        gpu.minorNumber(),
        gpu.numaNode(),
        Optional.of(
            new PlannedDevice.MigSlot(
                mig.profile(), mig.index(), mig.gpuInstanceId(), mig.computeInstanceId())),
        false);
  }
}

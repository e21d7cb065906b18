package io.gpuagent.deviceplugin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The MIG capability minors a plan needs for device specs, read once per rebuild, with a problem
 * line for each MIG device whose capability nodes cannot be named (its containers would fail).
 */
record MigCapabilityCheck(MigCapabilities capabilities, List<String> problems) {

  static final MigCapabilityCheck NONE = new MigCapabilityCheck(MigCapabilities.none(), List.of());

  MigCapabilityCheck {
    problems = List.copyOf(problems);
  }

  static MigCapabilityCheck run(DevicePluginConfig config, ResourcePlan plan) {
    List<PlannedDevice> migDevices =
        plan.resources().stream()
            .flatMap(resource -> resource.devices().stream())
            .filter(device -> device.mig().isPresent() && !device.lost())
            .toList();
    if (!config.passDeviceSpecs() || migDevices.isEmpty()) {
      return NONE;
    }
    MigCapabilities capabilities;
    try {
      capabilities = MigCapabilities.read(config.migMinorsFile());
    } catch (IOException | IllegalArgumentException e) {
      return new MigCapabilityCheck(
          MigCapabilities.none(),
          List.of(
              "passDeviceSpecs: cannot read MIG capability minors from "
                  + config.migMinorsFile()
                  + " ("
                  + e.getMessage()
                  + "): MIG devices get no /dev/nvidia-caps nodes"));
    }
    List<String> missing = new ArrayList<>();
    for (PlannedDevice device : migDevices) {
      PlannedDevice.MigSlot mig = device.mig().orElseThrow();
      boolean named =
          capabilities.gpuInstanceAccess(device.gpuMinor(), mig.gpuInstanceId()).isPresent()
              && capabilities
                  .computeInstanceAccess(
                      device.gpuMinor(), mig.gpuInstanceId(), mig.computeInstanceId())
                  .isPresent();
      if (!named) {
        missing.add(device.id());
      }
    }
    if (missing.isEmpty()) {
      return new MigCapabilityCheck(capabilities, List.of());
    }
    return new MigCapabilityCheck(
        capabilities,
        List.of(
            "passDeviceSpecs: "
                + config.migMinorsFile()
                + " names no capability minors for MIG devices "
                + String.join(", ", missing)));
  }
}

package io.gpuagent.deviceplugin;

import java.util.List;

/**
 * One resource the kubelet will see, e.g. {@code nvidia.com/mig-1g.10gb}, with its devices in node
 * order. {@code defaultShortName} is the name before renames ({@code gpu}, {@code mig-1g.10gb}).
 */
record PlannedResource(String defaultShortName, String name, List<PlannedDevice> devices) {

  PlannedResource {
    devices = List.copyOf(devices);
  }

  PlannedResource withDevices(List<PlannedDevice> kept) {
    return new PlannedResource(defaultShortName, name, kept);
  }

  /** The part after the prefix, after renames: {@code gpu}, {@code mig-1g.10gb}. */
  String shortName() {
    return name.substring(name.indexOf('/') + 1);
  }
}

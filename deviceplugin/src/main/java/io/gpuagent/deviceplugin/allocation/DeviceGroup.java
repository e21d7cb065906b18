package io.gpuagent.deviceplugin.allocation;

/**
 * The devices of one GPU in a request: {@code required} of them must be included, {@code optional}
 * more may be. Devices of one GPU score alike against every other device, so the search only
 * decides how many to take from each GPU, never which.
 */
record DeviceGroup(int gpuPosition, int required, int optional) {

  DeviceGroup {
    if (required < 0 || optional < 0 || required + optional == 0) {
      throw new IllegalArgumentException(
          "a device group needs devices, got required=" + required + " optional=" + optional);
    }
  }
}

package io.gpuagent.mig;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of a mig-parted layout: which GPUs it selects ({@code devices}: all, or indexes; {@code
 * device-filter}: PCI device ids such as {@code 0x233010DE}, any when empty), whether MIG is on,
 * and how many instances of each profile, in the file's order.
 *
 * @param position the entry's index in its layout's list, for messages
 */
public record MigConfigEntry(
    int position,
    Optional<Set<Integer>> devices,
    Set<Integer> deviceFilter,
    boolean migEnabled,
    Map<String, Integer> migDevices) {

  public MigConfigEntry {
    devices = devices.map(Set::copyOf);
    deviceFilter = Set.copyOf(deviceFilter);
    migDevices = Collections.unmodifiableMap(new LinkedHashMap<>(migDevices));
  }

  /** Whether this entry applies to the GPU at {@code index} with this PCI device id. */
  public boolean selects(int index, int pciDeviceId) {
    return devices.map(set -> set.contains(index)).orElse(true)
        && (deviceFilter.isEmpty() || deviceFilter.contains(pciDeviceId));
  }

  /** The requested instances, e.g. {@code 2 × 3g.40gb + 1 × 2g.20gb}; "no instances" if none. */
  public static String describe(Map<String, Integer> request) {
    List<String> parts =
        request.entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .map(e -> e.getValue() + " × " + e.getKey())
            .toList();
    return parts.isEmpty() ? "no instances" : String.join(" + ", parts);
  }
}

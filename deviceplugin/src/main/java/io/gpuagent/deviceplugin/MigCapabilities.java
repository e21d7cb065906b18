package io.gpuagent.deviceplugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The driver's table of MIG capability device minors ({@code /proc/driver/nvidia-caps/mig-minors},
 * lines like {@code gpu0/gi1/ci0/access 13}). A container using a MIG device needs {@code
 * /dev/nvidia-caps/nvidia-cap<N>} for its GPU instance's and its compute instance's access
 * capability, where N is looked up here by the parent GPU's minor number and the instance ids, as
 * NVIDIA's container toolkit does; the table is read rather than computed because the numbering is
 * the driver's business.
 */
final class MigCapabilities {
  private final Map<String, Integer> minors;

  private MigCapabilities(Map<String, Integer> minors) {
    this.minors = Map.copyOf(minors);
  }

  static MigCapabilities none() {
    return new MigCapabilities(Map.of());
  }

  /**
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException naming the file and line when a line is not {@code name minor}
   */
  static MigCapabilities read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    Map<String, Integer> minors = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\\s+");
      try {
        if (parts.length != 2) {
          throw new NumberFormatException();
        }
        minors.put(parts[0], Integer.parseInt(parts[1]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            file + " line " + (i + 1) + ": \"" + line + "\" is not \"<capability> <minor>\"", e);
      }
    }
    return new MigCapabilities(minors);
  }

  OptionalInt gpuInstanceAccess(int gpuMinor, int gpuInstanceId) {
    return minor("gpu" + gpuMinor + "/gi" + gpuInstanceId + "/access");
  }

  OptionalInt computeInstanceAccess(int gpuMinor, int gpuInstanceId, int computeInstanceId) {
    return minor("gpu" + gpuMinor + "/gi" + gpuInstanceId + "/ci" + computeInstanceId + "/access");
  }

  boolean isEmpty() {
    return minors.isEmpty();
  }

  private OptionalInt minor(String capability) {
    Integer minor = minors.get(capability);
    return minor == null ? OptionalInt.empty() : OptionalInt.of(minor);
  }
}

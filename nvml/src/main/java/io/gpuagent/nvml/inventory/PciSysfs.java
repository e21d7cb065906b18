package io.gpuagent.nvml.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Linux's sysfs says about a GPU's PCI function. The NUMA node is read from {@code
 * <root>/bus/pci/devices/<domain:bus:dev.fn>/numa_node}, as NVIDIA's device plugin reads it: {@code
 * nvmlDeviceGetNumaNodeId} answers only where GPU memory is its own NUMA node (Grace Hopper).
 */
public final class PciSysfs {
  private static final Logger LOG = LoggerFactory.getLogger(PciSysfs.class);

  public static final Path DEFAULT_ROOT = Path.of("/sys");

  /** The kernel writes -1 when the device has no NUMA affinity. */
  private static final int NO_AFFINITY = -1;

  private final Path root;

  public PciSysfs(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /**
   * The NUMA node of the PCI device {@code busId} (as NVML writes it); empty for "no affinity".
   * When sysfs has no readable entry for the device, {@code otherwise} answers.
   */
  public Optional<Integer> numaNode(String busId, Supplier<Optional<Integer>> otherwise) {
    Path file = root.resolve("bus/pci/devices").resolve(sysfsName(busId)).resolve("numa_node");
    try {
      int node = Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).trim());
      return node == NO_AFFINITY ? Optional.empty() : Optional.of(node);
    } catch (NoSuchFileException e) {
      return otherwise.get();
    } catch (IOException | NumberFormatException e) {
      LOG.atWarn()
          .setMessage("sysfs-unreadable")
          .addKeyValue("file", file)
          .addKeyValue("error", e.getClass().getSimpleName())
          .addKeyValue("fallback", "nvmlDeviceGetNumaNodeId")
          .log();
      return otherwise.get();
    }
  }

  /**
   * The name sysfs gives a PCI function: lower case, with the domain in four hex digits where NVML
   * may write eight ({@code 00000000:18:00.0} is {@code 0000:18:00.0}).
   */
  static String sysfsName(String busId) {
    String id = busId.trim().toLowerCase(Locale.ROOT);
    int colon = id.indexOf(':');
    if (colon < 0 || id.indexOf(':', colon + 1) < 0) {
      return id; // no domain: sysfs always has one, so this path will not exist
    }
    try {
      long domain = Long.parseLong(id.substring(0, colon), 16);
      return String.format(Locale.ROOT, "%04x", domain) + id.substring(colon);
    } catch (NumberFormatException e) {
      return id;
    }
  }
}

package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.allocation.PreferredAllocator;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.SimulatedInventories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A device-plugin directory under /tmp (socket paths must stay short), a fake kubelet in it and a
 * service on a simulated node; closes all three.
 */
final class PluginFixture implements AutoCloseable {
  /** The resources of the {@code a100-mig} profile with MIG strategy {@code mixed}. */
  static final List<String> A100_MIXED =
      List.of(
          "nvidia.com/gpu",
          "nvidia.com/mig-1g.10gb",
          "nvidia.com/mig-2g.20gb",
          "nvidia.com/mig-3g.40gb",
          "nvidia.com/mig-4g.40gb");

  final Path dir;
  final FakeKubelet kubelet;
  final SimulatedInventories node;
  private DevicePluginService service;

  PluginFixture(String profile, boolean kubeletRunning) {
    try {
      dir = Files.createTempDirectory(Path.of("/tmp"), "dp");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    kubelet = kubeletRunning ? FakeKubelet.start(dir) : FakeKubelet.notStarted(dir);
    node = new SimulatedInventories(profile);
  }

  PluginFixture(String profile) {
    this(profile, true);
  }

  /** Starts a service with {@code config} pointed at this directory. */
  DevicePluginService start(DevicePluginConfig config) {
    return start(config, FirstAvailableAllocator::new);
  }

  DevicePluginService start(
      DevicePluginConfig config, Function<Inventory, PreferredAllocator> allocators) {
    service = new DevicePluginService(config.withPluginDir(dir), allocators);
    service.start(node.current());
    return service;
  }

  /** Starts {@code service} (made for this directory) on the node and closes it with the rest. */
  DevicePluginService started(DevicePluginService service) {
    this.service = service;
    service.start(node.current());
    return service;
  }

  DevicePluginService start(MigStrategy strategy) {
    return start(DevicePluginConfig.defaults().withMigStrategy(strategy));
  }

  @Override
  public void close() {
    if (service != null) {
      service.close();
    }
    kubelet.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.gpuagent.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two agents on one device-plugin directory (a DaemonSet rolling update with {@code maxSurge}): the
 * second waits for the first's lock and never touches its sockets.
 */
class PluginDirLockTest {
  private static final String GPU_SOCKET = "gpu-agent-nvidia.com-gpu.sock";

  private static Object inode(Path file) throws Exception {
    return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
  }

  @Test
  void aSecondServiceGivesUpAfterItsWaitAndTheFirstKeepsServing() throws Exception {
    try (PluginFixture fixture = new PluginFixture("h100x8");
        LogCapture log = new LogCapture(PluginDirLock.class)) {
      fixture.start(DevicePluginConfig.defaults());
      PluginClient plugin = fixture.kubelet.plugin("nvidia.com/gpu");
      String device = plugin.awaitFirstList().getDevices(0).getID();
      Path socket = fixture.dir.resolve(GPU_SOCKET);
      Object before = inode(socket);
      DevicePluginService second =
          new DevicePluginService(
              DevicePluginConfig.defaults()
                  .withPluginDir(fixture.dir)
                  .withLockWait(Duration.ofMillis(500)),
              FirstAvailableAllocator::new);

      assertThatThrownBy(() -> second.start(fixture.node.current()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("device plugin directory " + fixture.dir)
          .hasMessageContaining(
              "is in use by another gpu-agent (pid " + ProcessHandle.current().pid())
          .hasMessageNotContaining("\n");
      second.close();

      assertThat(log.messages(Level.WARN))
          .singleElement()
          .asString()
          .startsWith("device-plugin-dir-locked lockFile=" + fixture.dir.resolve("gpu-agent.lock"));
      assertThat(inode(socket)).isEqualTo(before);
      assertThat(plugin.allocate(List.of(device)).getContainerResponsesCount()).isEqualTo(1);
    }
  }

  @Test
  void aWaitingServiceStartsOnceTheFirstHasStopped() throws Exception {
    try (PluginFixture fixture = new PluginFixture("h100x8");
        LogCapture log = new LogCapture(PluginDirLock.class)) {
      DevicePluginService first =
          new DevicePluginService(
              DevicePluginConfig.defaults().withPluginDir(fixture.dir),
              FirstAvailableAllocator::new);
      first.start(fixture.node.current());
      DevicePluginService second =
          new DevicePluginService(
              DevicePluginConfig.defaults()
                  .withPluginDir(fixture.dir)
                  .withLockWait(Duration.ofSeconds(30)),
              FirstAvailableAllocator::new);
      try {
        CompletableFuture<Void> started =
            CompletableFuture.runAsync(() -> second.start(fixture.node.current()));
        log.await(Level.WARN, 1, Duration.ofSeconds(10)); // it found the lock taken
        assertThat(started).isNotDone();

        first.close();

        started.get(30, TimeUnit.SECONDS);
        assertThat(second.status().resources()).isNotEmpty();
        assertThat(fixture.dir.resolve(GPU_SOCKET)).exists();
      } finally {
        second.close();
      }
    }
  }
}

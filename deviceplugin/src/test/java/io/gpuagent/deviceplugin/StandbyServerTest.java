package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.gpuagent.nvml.inventory.SimulatedInventories;
import io.gpuagent.testing.Await;
import io.gpuagent.testing.LogCapture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Standby servers: started while the kubelet is quiet in a subdirectory a kubelet start leaves
 * alone, renamed into place when a restart deletes the served sockets.
 */
class StandbyServerTest {
  private static final List<String> A100_MIXED = PluginFixture.A100_MIXED;

  @RegisterExtension final PluginFixtures fixtures = new PluginFixtures();

  private PluginFixture fixture;

  @Test
  void aRestartServesEachResourceFromItsStandbyAndANewStandbyFollows() {
    fixture = fixtures.open("a100-mig");
    fixture.start(MigStrategy.MIXED);
    A100_MIXED.forEach(fixture.kubelet::awaitRegistration);
    Map<Object, String> standbys = awaitStandbys(fixture.dir, A100_MIXED.size());

    for (int restart = 1; restart <= 3; restart++) {
      fixture.kubelet.restart();

      for (String resource : A100_MIXED) {
        String endpoint = fixture.kubelet.awaitRegistration(resource).request().getEndpoint();
        // the file the kubelet dials is the standby's socket, renamed: the same inode
        assertThat(standbys).containsKey(fileKey(fixture.dir.resolve(endpoint)));
      }
      assertThat(
              fixture.kubelet.plugin("nvidia.com/mig-1g.10gb").awaitFirstList().getDevicesCount())
          .as("restart %d", restart)
          .isEqualTo(3);
      Map<Object, String> next = awaitStandbys(fixture.dir, A100_MIXED.size());
      assertThat(next.values()).doesNotContainAnyElementsOf(standbys.values());
      standbys = next;
      // the lost servers are stopped by now (before the new standbys): Netty deletes the path a
      // server bound when it closes, and that must not be a socket in use
      for (String resource : A100_MIXED) {
        assertThat(fixture.dir.resolve(socketName(resource))).exists();
      }
    }
  }

  @Test
  void stopRemovesTheStandbysAndTheirDirectory() {
    fixture = fixtures.open("h100x8");
    DevicePluginService service = fixture.start(MigStrategy.NONE);
    fixture.kubelet.awaitRegistration("nvidia.com/gpu");
    awaitStandbys(fixture.dir, 1);

    service.close();

    assertThat(fixture.dir.resolve(PluginEndpoints.STANDBY_DIR)).doesNotExist();
    assertThat(fixture.dir.resolve(socketName("nvidia.com/gpu"))).doesNotExist();
  }

  @Test
  void standbySocketsLeftByAnEarlierRunAreRemoved() throws IOException {
    fixture = fixtures.open("h100x8");
    Path stale =
        Files.createDirectories(fixture.dir.resolve(PluginEndpoints.STANDBY_DIR))
            .resolve("gpu-agent-nvidia.com-gpu.stale.sock");
    Files.createFile(stale);

    fixture.start(MigStrategy.NONE);

    assertThat(stale).doesNotExist();
    fixture.kubelet.awaitRegistration("nvidia.com/gpu");
  }

  @Test
  void aFileWhereTheStandbyDirectoryGoesIsOneWarningAndServersBindInPlace() throws IOException {
    fixture = fixtures.open("h100x8");
    Files.createFile(fixture.dir.resolve(PluginEndpoints.STANDBY_DIR));

    try (LogCapture log = new LogCapture(PluginEndpoints.class)) {
      fixture.start(MigStrategy.NONE);
      fixture.kubelet.awaitRegistration("nvidia.com/gpu");
      for (int restart = 1; restart <= 2; restart++) {
        fixture.kubelet.restart();
        fixture.kubelet.awaitRegistration("nvidia.com/gpu");
        assertThat(fixture.kubelet.plugin("nvidia.com/gpu").awaitFirstList().getDevicesCount())
            .isEqualTo(8);
      }
      assertThat(log.messages(Level.WARN))
          .singleElement()
          .asString()
          .startsWith("standby-dir-unusable");
    }
    // the first kubelet restart deleted the file, as it deletes every file there: the directory
    // and the standby servers come after it
    awaitStandbys(fixture.dir, 1);
  }

  @Test
  void aPluginDirectoryTooLongForStandbyPathsRestartsWithFreshServers() throws IOException {
    Path base = Files.createTempDirectory(Path.of("/tmp"), "dp");
    // 107 bytes hold <dir>/gpu-agent-nvidia.com-gpu.sock, not
    // <dir>/.gpu-agent-standby/<name>.1.sock
    Path dir = base.resolve("d".repeat(70 - base.toString().length()));
    Files.createDirectories(dir);
    try (FakeKubelet kubelet = FakeKubelet.start(dir);
        DevicePluginService service =
            new DevicePluginService(
                DevicePluginConfig.defaults().withPluginDir(dir), FirstAvailableAllocator::new)) {
      service.start(new SimulatedInventories("h100x8").current());
      kubelet.awaitRegistration("nvidia.com/gpu");

      for (int restart = 1; restart <= 3; restart++) {
        kubelet.restart();
        kubelet.awaitRegistration("nvidia.com/gpu");
        assertThat(kubelet.plugin("nvidia.com/gpu").awaitFirstList().getDevicesCount())
            .isEqualTo(8);
        assertThat(dir.resolve(socketName("nvidia.com/gpu"))).exists();
      }
      assertThat(dir.resolve(PluginEndpoints.STANDBY_DIR)).doesNotExist();
    } finally {
      try (Stream<Path> files = Files.walk(base)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private static String socketName(String resource) {
    return DevicePluginService.SOCKET_PREFIX + resource.replace('/', '-') + ".sock";
  }

  /** Waits for {@code count} standby sockets; returns them by inode. */
  private static Map<Object, String> awaitStandbys(Path dir, int count) {
    Path standbyDir = dir.resolve(PluginEndpoints.STANDBY_DIR);
    return Await.value(
        count + " standby sockets",
        () -> {
          if (!Files.isDirectory(standbyDir)) {
            return null;
          }
          try (Stream<Path> files = Files.list(standbyDir)) {
            Map<Object, String> byInode =
                files.collect(
                    Collectors.toMap(
                        StandbyServerTest::fileKey, file -> file.getFileName().toString()));
            return byInode.size() == count ? byInode : null;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static Object fileKey(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

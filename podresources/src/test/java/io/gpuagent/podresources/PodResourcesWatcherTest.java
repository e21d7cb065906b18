package io.gpuagent.podresources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the watcher reads from a podresources server on a real Unix socket. */
class PodResourcesWatcherTest {
  static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final Duration WAIT = Duration.ofSeconds(10);

  static final String GPU_0 = "GPU-5b1e0f7c-3f41-8a3c-0d7e-2f6e0b9d1a01";
  static final String GPU_1 = "GPU-5b1e0f7c-3f41-8a3c-0d7e-2f6e0b9d1a02";
  static final String MIG = "MIG-7c1d2e3f-4a5b-5c6d-8e9f-0a1b2c3d4e5f";

  private Path dir;
  private Path socket;
  private FakePodResourcesServer kubelet;

  @BeforeEach
  void startKubelet() throws IOException {
    // Unix socket paths must stay under ~100 bytes: a short directory under /tmp.
    dir = Files.createTempDirectory(Path.of("/tmp"), "pr");
    socket = dir.resolve("kubelet.sock");
    kubelet = FakePodResourcesServer.start(socket);
  }

  @AfterEach
  void stopKubelet() throws IOException {
    kubelet.close();
    deleteTree(dir);
  }

  @Test
  void assignmentsAppearAfterARefresh() {
    kubelet.assign("ml", "train-0", "main", "nvidia.com/gpu", GPU_0, GPU_1);
    try (var watcher = new PodResourcesWatcher(socket, Duration.ofHours(1), CLOCK)) {
      assertThat(watcher.current()).isSameAs(PodAssignments.NONE);

      PodAssignments refreshed = watcher.refreshNow();

      var train = new ContainerRef("ml", "train-0", "main");
      assertThat(watcher.current()).isSameAs(refreshed);
      assertThat(refreshed.byDeviceId())
          .containsOnlyKeys(GPU_0, GPU_1)
          .containsEntry(GPU_0, List.of(train));
      assertThat(refreshed.holders(GPU_1)).containsExactly(train);
      assertThat(refreshed.holders("GPU-not-assigned")).isEmpty();
      assertThat(refreshed.refreshedAt()).isEqualTo(NOW);
      assertThat(watcher.failures()).isZero();
      assertThat(kubelet.listCalls()).isEqualTo(1);
    }
  }

  @Test
  void aGpuSharedByTwoContainersListsBoth() {
    kubelet.assign("ml", "infer-a", "server", "nvidia.com/gpu", GPU_0);
    kubelet.assign("web", "infer-b", "server", "nvidia.com/gpu", GPU_0);
    kubelet.assign("web", "infer-b", "sidecar", "nvidia.com/gpu", GPU_0);
    try (var watcher = new PodResourcesWatcher(socket, Duration.ofHours(1), CLOCK)) {
      assertThat(watcher.refreshNow().holders(GPU_0))
          .containsExactly(
              new ContainerRef("ml", "infer-a", "server"),
              new ContainerRef("web", "infer-b", "server"),
              new ContainerRef("web", "infer-b", "sidecar"));
    }
  }

  @Test
  void migUuidsAndMemorySliceIdsPassThroughAsIds() {
    kubelet.assign("ml", "small", "main", "nvidia.com/mig-1g.10gb", MIG);
    kubelet.assign("ml", "sliced", "main", "nvidia.com/gpu-memory", GPU_1 + "::3", GPU_1 + "::4");
    try (var watcher = new PodResourcesWatcher(socket, Duration.ofHours(1), CLOCK)) {
      PodAssignments assignments = watcher.refreshNow();

      assertThat(assignments.byDeviceId()).containsOnlyKeys(MIG, GPU_1 + "::3", GPU_1 + "::4");
      assertThat(assignments.holders(MIG)).containsExactly(new ContainerRef("ml", "small", "main"));
      assertThat(assignments.holders(GPU_1 + "::4"))
          .containsExactly(new ContainerRef("ml", "sliced", "main"));
      assertThat(assignments.holders(GPU_1)).isEmpty();
    }
  }

  @Test
  void aContainerWithNoDevicesHoldsNothing() {
    kubelet.assign("kube-system", "dns", "coredns", "example.com/none");
    try (var watcher = new PodResourcesWatcher(socket, Duration.ofHours(1), CLOCK)) {
      assertThat(watcher.refreshNow().byDeviceId()).isEmpty();
    }
  }

  @Test
  void scheduledRefreshesFollowPodsComingAndGoing() throws InterruptedException {
    try (var watcher = new PodResourcesWatcher(socket, Duration.ofMillis(20), CLOCK)) {
      watcher.start();

      kubelet.assign("ml", "train-0", "main", "nvidia.com/gpu", GPU_0);
      kubelet.awaitListCalls(kubelet.listCalls() + 2, WAIT);
      assertThat(watcher.current().holders(GPU_0))
          .containsExactly(new ContainerRef("ml", "train-0", "main"));

      kubelet.removePod("ml", "train-0");
      kubelet.awaitListCalls(kubelet.listCalls() + 2, WAIT);
      assertThat(watcher.current().byDeviceId()).isEmpty();
      assertThat(watcher.current()).isNotSameAs(PodAssignments.NONE);
      assertThat(watcher.failures()).isZero();
    }
  }

  @Test
  void allocatableListsDeviceIdsByResource() {
    kubelet.allocatable("nvidia.com/gpu", GPU_0, GPU_1);
    kubelet.allocatable("nvidia.com/mig-1g.10gb", MIG);
    try (var watcher = new PodResourcesWatcher(socket, Duration.ofHours(1), CLOCK)) {
      assertThat(watcher.allocatable())
          .isEqualTo(
              Map.of(
                  "nvidia.com/gpu", Set.of(GPU_0, GPU_1), "nvidia.com/mig-1g.10gb", Set.of(MIG)));
    }
  }

  @Test
  void allocatableWithoutAKubeletSaysWhy() {
    kubelet.close();
    try (var watcher = new PodResourcesWatcher(socket, Duration.ofHours(1), CLOCK)) {
      assertThatThrownBy(watcher::allocatable)
          .isInstanceOf(PodResourcesException.class)
          .hasMessage(
              "podresources GetAllocatableResources failed socket="
                  + socket
                  + " reason=socket absent");
      assertThat(watcher.failures()).isZero();
    }
  }

  @Test
  void aNonPositiveIntervalIsRefused() {
    assertThatThrownBy(() -> new PodResourcesWatcher(socket, Duration.ZERO, CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("podresources interval must be positive: PT0S");
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}

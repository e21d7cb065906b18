package io.gpuagent.podresources;

import static io.gpuagent.podresources.PodResourcesWatcherTest.CLOCK;
import static io.gpuagent.podresources.PodResourcesWatcherTest.GPU_0;
import static io.gpuagent.podresources.PodResourcesWatcherTest.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.gpuagent.testing.Await;
import io.gpuagent.testing.LogCapture;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** No socket, kubelet errors, a hung kubelet, restarts, and close(). */
class PodResourcesWatcherFailureTest {
  private static final ContainerRef TRAIN = new ContainerRef("ml", "train-0", "main");

  private Path dir;
  private Path socket;
  private LogCapture logs;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory(Path.of("/tmp"), "pr");
    socket = dir.resolve("kubelet.sock");
    logs = new LogCapture(PodResourcesWatcher.class);
  }

  @AfterEach
  void tearDown() throws IOException {
    logs.close();
    PodResourcesWatcherTest.deleteTree(dir);
  }

  @Test
  void anAbsentSocketPublishesNoneCountsEachFailureAndWarnsOnce() {
    try (var watcher = new PodResourcesWatcher(socket, Duration.ofHours(1), CLOCK)) {
      for (int i = 0; i < 3; i++) {
        assertThat(watcher.refreshNow()).isSameAs(PodAssignments.NONE);
      }

      assertThat(watcher.current()).isSameAs(PodAssignments.NONE);
      assertThat(watcher.failures()).isEqualTo(3);
      assertThat(logs.messages(Level.WARN))
          .containsExactly(
              "podresources-unavailable error=podresources List failed socket="
                  + socket
                  + " reason=socket absent failures=1 podLabels=dropped");
    }
  }

  @Test
  void scheduledRefreshesWithoutASocketWarnOnlyOnce() throws InterruptedException {
    try (var watcher = new PodResourcesWatcher(socket, Duration.ofMillis(5), CLOCK)) {
      watcher.start();
      logs.await(Level.DEBUG, 10, WAIT);

      assertThat(watcher.failures()).isGreaterThanOrEqualTo(11);
      assertThat(logs.messages(Level.WARN)).hasSize(1);
      assertThat(logs.messages(Level.INFO)).isEmpty();
    }
  }

  @Test
  void kubeletErrorsPublishNoneAndAreCountedUntilItAnswersAgain() throws IOException {
    try (var kubelet = FakePodResourcesServer.start(socket);
        var watcher = new PodResourcesWatcher(socket, Duration.ofHours(1), CLOCK)) {
      kubelet.assign("ml", "train-0", "main", "nvidia.com/gpu", GPU_0);
      assertThat(watcher.refreshNow().holders(GPU_0)).containsExactly(TRAIN);

      kubelet.failNext(Status.UNAVAILABLE.withDescription("kubelet restarting"));
      kubelet.failNext(Status.RESOURCE_EXHAUSTED.withDescription("rate limited"));
      assertThat(watcher.refreshNow()).isSameAs(PodAssignments.NONE);
      assertThat(watcher.current()).isSameAs(PodAssignments.NONE);
      assertThat(watcher.refreshNow()).isSameAs(PodAssignments.NONE);
      assertThat(watcher.failures()).isEqualTo(2);

      assertThat(watcher.refreshNow().holders(GPU_0)).containsExactly(TRAIN);
      assertThat(watcher.failures()).isEqualTo(2);
      assertThat(logs.messages(Level.WARN))
          .singleElement()
          .asString()
          .contains("podresources List failed", "reason=UNAVAILABLE: kubelet restarting");
      assertThat(logs.messages(Level.INFO))
          .containsExactly("podresources-answering socket=" + socket + " devices=1 failures=2");
    }
  }

  @Test
  void aHungKubeletCostsOneDeadlineAndPublishesNone() throws IOException {
    try (var kubelet = FakePodResourcesServer.start(socket);
        var watcher = new PodResourcesWatcher(socket, Duration.ofHours(1), CLOCK)) {
      kubelet.assign("ml", "train-0", "main", "nvidia.com/gpu", GPU_0);
      watcher.refreshNow();
      kubelet.hang();

      long start = System.nanoTime();
      assertThat(watcher.refreshNow()).isSameAs(PodAssignments.NONE);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).as("one call deadline").isGreaterThanOrEqualTo(Duration.ofMillis(1500));
      assertThat(logs.messages(Level.WARN))
          .singleElement()
          .asString()
          .contains("DEADLINE_EXCEEDED");
    }
  }

  @Test
  void recoversWhenTheKubeletComesBackOnTheSamePath() throws IOException {
    try (var watcher = new PodResourcesWatcher(socket, Duration.ofHours(1), CLOCK)) {
      try (var kubelet = FakePodResourcesServer.start(socket)) {
        kubelet.assign("ml", "train-0", "main", "nvidia.com/gpu", GPU_0);
        assertThat(watcher.refreshNow().holders(GPU_0)).containsExactly(TRAIN);
      }
      assertThat(watcher.refreshNow()).isSameAs(PodAssignments.NONE);

      // A socket file nobody listens on: the kubelet died without cleaning up.
      Files.createFile(socket);
      assertThat(watcher.refreshNow()).isSameAs(PodAssignments.NONE);

      try (var kubelet = FakePodResourcesServer.start(socket)) {
        kubelet.assign("ml", "train-1", "main", "nvidia.com/gpu", GPU_0);
        assertThat(watcher.refreshNow().holders(GPU_0))
            .as("%s", logs.messages(Level.DEBUG))
            .containsExactly(new ContainerRef("ml", "train-1", "main"));
      }
      assertThat(watcher.failures()).isEqualTo(2);
      assertThat(logs.messages(Level.WARN)).singleElement().asString().contains("socket absent");
      assertThat(logs.messages(Level.DEBUG))
          .singleElement()
          .asString()
          .contains("reason=UNAVAILABLE");
      assertThat(logs.messages(Level.INFO)).hasSize(1);
    }
  }

  @Test
  void scheduledRefreshesFollowAKubeletRestart() throws IOException, InterruptedException {
    try (var watcher = new PodResourcesWatcher(socket, Duration.ofMillis(20), CLOCK)) {
      try (var kubelet = FakePodResourcesServer.start(socket)) {
        kubelet.assign("ml", "train-0", "main", "nvidia.com/gpu", GPU_0);
        watcher.start();
        kubelet.awaitListCalls(kubelet.listCalls() + 2, WAIT);
        assertThat(watcher.current().holders(GPU_0)).containsExactly(TRAIN);
      }
      try (var kubelet = FakePodResourcesServer.start(socket)) {
        kubelet.assign("ml", "train-1", "main", "nvidia.com/gpu", GPU_0);
        kubelet.awaitListCalls(kubelet.listCalls() + 2, WAIT);
        assertThat(watcher.current().holders(GPU_0))
            .containsExactly(new ContainerRef("ml", "train-1", "main"));
      }
    }
  }

  @Test
  void closeIsPromptEvenDuringAHungCallAndStopsItsThreads()
      throws IOException, InterruptedException {
    try (var kubelet = FakePodResourcesServer.start(socket)) {
      kubelet.hang();
      var watcher = new PodResourcesWatcher(socket, Duration.ofMillis(20), CLOCK);
      watcher.start();
      kubelet.awaitListCalls(1, WAIT);

      Await.returns("close during a hung call", watcher::close);

      assertThat(watcher.current()).isSameAs(PodAssignments.NONE);
      int calls = kubelet.listCalls();
      assertThat(watcher.refreshNow()).isSameAs(PodAssignments.NONE);
      assertThat(kubelet.listCalls()).isEqualTo(calls);
      assertThat(logs.messages(Level.WARN)).isEmpty();
      for (Thread thread : watcherThreads()) {
        thread.join(WAIT.toMillis());
        assertThat(thread.isAlive()).as("%s still running", thread.getName()).isFalse();
      }
    }
  }

  private static List<Thread> watcherThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("podresources-"))
        .toList();
  }
}

package io.gpuagent.exporter.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.testing.Await;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DeviceWorkersTest {
  private final DeviceWorkers workers = new DeviceWorkers("test-device-", 4, Duration.ofMinutes(1));
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void close() throws InterruptedException {
    release.countDown();
    workers.close(Duration.ofSeconds(5));
  }

  private String stuck() throws InterruptedException {
    release.await();
    return Thread.currentThread().getName();
  }

  @Test
  void tasksAwaitedOneAfterTheOtherShareOneThread() throws Exception {
    Set<String> threads = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      threads.add(workers.submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS));
    }

    assertThat(threads).containsExactly("test-device-1");
    assertThat(workers.size()).isOne();
  }

  @Test
  void aStuckTaskHoldsItsWorkerAndTheNextTaskGetsAnother() throws Exception {
    CompletableFuture<String> held = workers.submit(this::stuck);

    String next = workers.submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS);

    assertThat(next).isEqualTo("test-device-2");
    assertThat(held).isNotDone();
    release.countDown();
    assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("test-device-1");
    // both idle now: the most recently idle one takes the next task
    assertThat(workers.submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS))
        .isEqualTo("test-device-1");
    assertThat(workers.size()).isEqualTo(2);
  }

  @Test
  void aFailedCallFailsItsFutureAndItsWorkerGoesOn() throws Exception {
    CompletableFuture<String> failed =
        workers.submit(
            () -> {
              throw new IllegalStateException("NVML_ERROR_GPU_IS_LOST");
            });

    assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage("NVML_ERROR_GPU_IS_LOST");
    assertThat(workers.submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS))
        .isEqualTo("test-device-1");
    assertThat(workers.size()).isOne();
  }

  @Test
  void noMoreWorkersThanTheBound() throws Exception {
    for (int i = 0; i < 4; i++) {
      workers.submit(this::stuck);
    }

    assertThatThrownBy(() -> workers.submit(() -> "fifth"))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessage("4 workers busy");
    release.countDown();
    Await.until(
        "a worker idle again",
        () -> {
          try {
            workers.submit(() -> "again");
            return true;
          } catch (RejectedExecutionException e) {
            return false;
          }
        });
    assertThat(workers.size()).isEqualTo(4);
  }

  @Test
  void idleWorkersEndAfterTheKeepAlive() throws Exception {
    DeviceWorkers brief = new DeviceWorkers("brief-", 4, Duration.ofMillis(100));
    try {
      assertThat(brief.submit(() -> 1).get(5, TimeUnit.SECONDS)).isOne();
      assertThat(brief.size()).isOne();

      Await.until("the idle worker ended", () -> brief.size() == 0);
      assertThat(brief.submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS))
          .isEqualTo("brief-2");
    } finally {
      assertThat(brief.close(Duration.ofSeconds(5))).isZero();
    }
  }

  @Test
  void closeInterruptsAStuckCallAndRefusesNewTasks() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<String> held =
        workers.submit(
            () -> {
              started.countDown();
              return stuck();
            });
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    assertThat(workers.close(Duration.ofSeconds(5))).as("workers still alive").isZero();

    assertThatThrownBy(() -> held.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(workers.size()).isZero();
    assertThatThrownBy(() -> workers.submit(() -> "late"))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessage("the sampler is closed");
  }
}

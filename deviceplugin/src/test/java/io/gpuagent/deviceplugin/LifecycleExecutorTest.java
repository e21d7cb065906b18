package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.testing.Await;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LifecycleExecutorTest {

  @Test
  void callRunsTheTaskOnTheLifecycleThreadAndReturnsItsValue() {
    LifecycleExecutor executor = new LifecycleExecutor("test-lifecycle");
    try {
      assertThat(executor.call(() -> Thread.currentThread().getName())).isEqualTo("test-lifecycle");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aCallerWhoseTaskIsDroppedByShutdownIsToldInsteadOfWaitingForever() throws Exception {
    LifecycleExecutor executor = new LifecycleExecutor("test-lifecycle");
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    executor.execute(
        () -> {
          busy.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    busy.await();
    CompletableFuture<Object> caller =
        CompletableFuture.supplyAsync(() -> executor.call(() -> "never runs"));
    Await.until("the caller's task queued", () -> executor.getQueue().size() == 1);

    executor.shutdownNow(); // interrupts the busy task and drops the queued one
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(RejectedExecutionException.class);
  }
}

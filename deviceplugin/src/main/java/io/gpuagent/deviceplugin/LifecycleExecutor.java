package io.gpuagent.deviceplugin;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the endpoints: rebuilds, registration attempts and health pushes run
 * here one after another, so none of them needs a lock. A task that throws is logged, not lost.
 */
final class LifecycleExecutor extends ScheduledThreadPoolExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(LifecycleExecutor.class);

  /** How often a waiting caller looks whether the executor stopped without running its task. */
  private static final Duration TERMINATION_CHECK = Duration.ofMillis(100);

  private final String threadName;

  LifecycleExecutor(String threadName) {
    super(
        1,
        runnable -> {
          Thread thread = new Thread(runnable, threadName);
          thread.setDaemon(true);
          return thread;
        });
    this.threadName = threadName;
    setRemoveOnCancelPolicy(true);
  }

  boolean onLifecycleThread() {
    return Thread.currentThread().getName().equals(threadName);
  }

  /**
   * Runs {@code task} here and waits for it; its exception is the caller's to handle.
   *
   * @throws IllegalStateException when interrupted while waiting
   * @throws java.util.concurrent.RejectedExecutionException when the executor is shut down, or
   *     stopped before the task ran
   */
  <T> T call(Supplier<T> task) {
    if (onLifecycleThread()) {
      return task.get();
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    execute(
        () -> {
          try {
            result.complete(task.get());
          } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
          }
        });
    try {
      while (true) {
        try {
          return result.get(TERMINATION_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // shutdownNow() drops queued tasks: once the thread is gone, this one never runs.
          if (isTerminated() && !result.isDone()) {
            throw new RejectedExecutionException("the device plugin stopped before the task ran");
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the device plugin", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  protected void afterExecute(Runnable task, Throwable thrown) {
    super.afterExecute(task, thrown);
    Throwable failure = thrown;
    if (failure == null && task instanceof Future<?> future && future.isDone()) {
      try {
        future.get();
      } catch (CancellationException e) {
        failure = null;
      } catch (ExecutionException e) {
        failure = e.getCause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (failure != null) {
      LOG.atError()
          .setMessage("deviceplugin-task-failed")
          .addKeyValue("error", failure.toString())
          .setCause(failure)
          .log();
    }
  }
}

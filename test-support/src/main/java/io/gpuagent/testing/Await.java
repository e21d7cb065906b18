package io.gpuagent.testing;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition another thread makes true, failing after a deadline, instead of sleeping.
 */
public final class Await {
  /** Generous: it only matters when a test fails, and the build machine may be busy. */
  public static final Duration DEFAULT = Duration.ofSeconds(10);

  /**
   * First look again after 1 ms, then back off to 50 ms: cheap for fast conditions, and a condition
   * that asks the agent over HTTP does not flood a loaded 2-core machine.
   */
  private static final long FIRST_POLL_NANOS = Duration.ofMillis(1).toNanos();

  private static final long MAX_POLL_NANOS = Duration.ofMillis(50).toNanos();

  private Await() {}

  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT, condition);
  }

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    value(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
  }

  /**
   * Runs {@code action} on a thread of its own and fails unless it returns within {@link #DEFAULT}:
   * for "close does not wait for a hung call", without asserting how fast it was.
   */
  public static void returns(String what, Runnable action) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                action.run();
                done.complete(null);
              } catch (Throwable e) {
                done.completeExceptionally(e);
              }
            },
            "await-returns");
    thread.setDaemon(true); // if it hangs, the test fails and the JVM may still exit
    thread.start();
    try {
      done.get(DEFAULT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("did not return within " + DEFAULT + ": " + what, e);
    } catch (ExecutionException e) {
      throw new AssertionError(what + " threw", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    }
  }

  /** The first non-null value {@code probe} gives within {@link #DEFAULT}. */
  public static <T> T value(String what, Supplier<T> probe) {
    return value(what, DEFAULT, probe);
  }

  /** The first non-null value {@code probe} gives within {@code timeout}. */
  public static <T> T value(String what, Duration timeout, Supplier<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = FIRST_POLL_NANOS;
    while (true) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      LockSupport.parkNanos(pause);
      pause = Math.min(pause * 2, MAX_POLL_NANOS);
    }
  }
}

package io.gpuagent.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition another thread makes true, failing after a deadline, instead of sleeping.
 */
public final class Await {
  /** Generous: it only matters when a test fails, and the build machine may be busy. */
  public static final Duration DEFAULT = Duration.ofSeconds(10);

  private static final long POLL_NANOS = Duration.ofMillis(1).toNanos();

  private Await() {}

  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT, condition);
  }

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    value(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
  }

  /** The first non-null value {@code probe} gives within {@link #DEFAULT}. */
  public static <T> T value(String what, Supplier<T> probe) {
    return value(what, DEFAULT, probe);
  }

  /** The first non-null value {@code probe} gives within {@code timeout}. */
  public static <T> T value(String what, Duration timeout, Supplier<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}

package io.gpuagent.deviceplugin;

import java.time.Duration;

/**
 * When the kubelet last called or restarted: the background warm-up runs only while it is quiet, so
 * it never slows a call a pod waits for.
 */
final class KubeletActivity {
  private volatile long lastNanos = System.nanoTime();

  /** The kubelet did something now (a call, a registration, a restart). */
  void touch() {
    lastNanos = System.nanoTime();
  }

  /** Whether nothing happened since {@code nanos} (a {@link System#nanoTime()} reading). */
  boolean quietSince(long nanos) {
    return lastNanos - nanos < 0;
  }

  /** Whether nothing happened for {@code quiet}. */
  boolean quietFor(Duration quiet) {
    return System.nanoTime() - lastNanos >= quiet.toNanos();
  }
}

package io.gpuagent.health.cuda;

import java.time.Duration;

/**
 * When a probe started and how long it may take. The probe measures itself and stops between steps
 * once the deadline has passed; killing a probe stuck inside a kernel is the parent's job.
 */
record ProbeTimer(long startNanos, Duration deadline) {

  static ProbeTimer start(Duration deadline) {
    return new ProbeTimer(System.nanoTime(), deadline);
  }

  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  boolean expired() {
    return elapsed().compareTo(deadline) >= 0;
  }
}

package io.gpuagent.health;

import io.gpuagent.health.probe.ProbeRequest;
import io.gpuagent.health.probe.ProbeResult;
import io.gpuagent.health.probe.ProbeRunner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A probe runner for scheduling tests: records each request, holds it until the test lets it go (or
 * the request's deadline passes), then hands it to the real runner.
 */
final class GatedProbeRunner implements ProbeRunner {
  private final ProbeRunner real;
  private final boolean gated;
  private final Semaphore gate = new Semaphore(0);
  private final List<ProbeRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger finished = new AtomicInteger();

  GatedProbeRunner(ProbeRunner real, boolean gated) {
    this.real = real;
    this.gated = gated;
  }

  @Override
  public ProbeResult run(ProbeRequest request) {
    requests.add(request);
    try {
      if (gated && !gate.tryAcquire(request.deadline().toNanos(), TimeUnit.NANOSECONDS)) {
        return ProbeResult.hung(request.deadline(), "held by the test past the deadline");
      }
      return real.run(request);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ProbeResult.unavailable(Duration.ZERO, "interrupted");
    } finally {
      finished.incrementAndGet();
    }
  }

  /** Lets every held probe (and the next {@code count - held}) go on. */
  void release(int count) {
    gate.release(count);
  }

  List<ProbeRequest> requests() {
    return List.copyOf(requests);
  }

  List<String> devices() {
    return requests.stream().map(ProbeRequest::deviceUuid).toList();
  }

  int finished() {
    return finished.get();
  }

  @Override
  public void close() {
    real.close();
  }
}

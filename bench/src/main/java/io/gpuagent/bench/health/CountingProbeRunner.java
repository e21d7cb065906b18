package io.gpuagent.bench.health;

import io.gpuagent.health.probe.ProbeRequest;
import io.gpuagent.health.probe.ProbeResult;
import io.gpuagent.health.probe.ProbeRunner;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Passes probes to another runner and counts the finished ones by outcome. */
final class CountingProbeRunner implements ProbeRunner {
  private final ProbeRunner delegate;
  private final Map<ProbeResult.Outcome, LongAdder> finished = new ConcurrentHashMap<>();

  CountingProbeRunner(ProbeRunner delegate) {
    this.delegate = delegate;
  }

  @Override
  public ProbeResult run(ProbeRequest request) {
    ProbeResult result = delegate.run(request);
    finished.computeIfAbsent(result.outcome(), outcome -> new LongAdder()).increment();
    return result;
  }

  long finishedCount() {
    return finished.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Finished probes by outcome, e.g. {@code {UNAVAILABLE=41}}. */
  Map<ProbeResult.Outcome, Long> byOutcome() {
    Map<ProbeResult.Outcome, Long> counts = new TreeMap<>();
    finished.forEach((outcome, count) -> counts.put(outcome, count.sum()));
    return counts;
  }

  @Override
  public void close() {
    delegate.close();
  }
}

package io.gpuagent.exporter.sampling;

import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** NVML calls that failed while sampling, counted by function and return code. Thread-safe. */
public final class NvmlErrors {

  /** One counted kind of failure. */
  public record Key(String function, NvmlReturn code) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      int byFunction = function.compareTo(other.function);
      return byFunction != 0 ? byFunction : code.compareTo(other.code);
    }
  }

  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

  public void count(NvmlException e) {
    counts.computeIfAbsent(new Key(e.function(), e.code()), key -> new LongAdder()).increment();
  }

  /** The counts so far, sorted. */
  public Map<Key, Long> snapshot() {
    Map<Key, Long> copy = new TreeMap<>();
    counts.forEach((key, adder) -> copy.put(key, adder.sum()));
    return copy;
  }
}

package io.gpuagent.nvml;

import java.time.Duration;
import java.util.Optional;

/** An NVML event set: devices register into it, one thread waits on it. */
public interface EventSet extends AutoCloseable {

  /**
   * Waits up to {@code timeout} for the next event ({@code nvmlEventSetWait_v2}); empty on timeout.
   * Keep the timeout short so the waiting thread can stop promptly.
   */
  Optional<EventData> await(Duration timeout);

  /** {@code nvmlEventSetFree}. Idempotent. */
  @Override
  void close();
}

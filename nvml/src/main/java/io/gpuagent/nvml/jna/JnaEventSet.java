package io.gpuagent.nvml.jna;

import com.sun.jna.Pointer;
import io.gpuagent.nvml.EventData;
import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** An {@code nvmlEventSet_t}. */
final class JnaEventSet implements EventSet {

  private static final String WAIT = "nvmlEventSetWait_v2";

  private final JnaNvml nvml;
  private final Pointer handle;
  private final AtomicBoolean freed = new AtomicBoolean();

  JnaEventSet(JnaNvml nvml, Pointer handle) {
    this.nvml = nvml;
    this.handle = handle;
  }

  static Pointer handleOf(EventSet set) {
    if (set instanceof JnaEventSet jna) {
      if (jna.freed.get()) {
        throw new IllegalStateException("event set already closed");
      }
      return jna.handle;
    }
    throw new IllegalArgumentException("not a JnaNvml event set: " + set);
  }

  @Override
  public Optional<EventData> await(Duration timeout) {
    int timeoutMs = (int) Math.max(0, Math.min(timeout.toMillis(), Integer.MAX_VALUE));
    DeviceStructures.EventData data = new DeviceStructures.EventData();
    int rc = nvml.functions().nvmlEventSetWait_v2(handleOf(this), data, timeoutMs);
    if (rc == NvmlCalls.TIMEOUT) {
      return Optional.empty();
    }
    NvmlCalls.check(WAIT, rc);
    return Optional.of(
        new EventData(
            nvml.device(data.device),
            typeOf(data.eventType),
            data.eventData,
            NvmlCalls.instanceId(data.gpuInstanceId),
            NvmlCalls.instanceId(data.computeInstanceId)));
  }

  /** Only registered types arrive, and those come from {@link EventType}. */
  private static EventType typeOf(long bit) {
    return Arrays.stream(EventType.values())
        .filter(type -> type.bit() == bit)
        .findFirst()
        .orElseThrow(
            () ->
                new NvmlException(
                    WAIT,
                    NvmlReturn.UNKNOWN,
                    WAIT + " returned unknown event type 0x" + Long.toHexString(bit)));
  }

  @Override
  public void close() {
    if (freed.compareAndSet(false, true)) {
      NvmlCalls.check("nvmlEventSetFree", nvml.functions().nvmlEventSetFree(handle));
    }
  }
}

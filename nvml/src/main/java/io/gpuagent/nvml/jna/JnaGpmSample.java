package io.gpuagent.nvml.jna;

import com.sun.jna.Pointer;
import io.gpuagent.nvml.GpmSample;
import java.util.concurrent.atomic.AtomicBoolean;

/** An {@code nvmlGpmSample_t}; closing it frees it once. */
final class JnaGpmSample implements GpmSample {

  private final JnaNvml nvml;
  private final Pointer handle;
  private final AtomicBoolean freed = new AtomicBoolean();

  JnaGpmSample(JnaNvml nvml, Pointer handle) {
    this.nvml = nvml;
    this.handle = handle;
  }

  Pointer handle() {
    return handle;
  }

  static Pointer handleOf(GpmSample sample) {
    if (sample instanceof JnaGpmSample jna) {
      if (jna.freed.get()) {
        throw new IllegalStateException("GPM sample already closed");
      }
      return jna.handle;
    }
    throw new IllegalArgumentException("not a JnaNvml GPM sample: " + sample);
  }

  @Override
  public void close() {
    if (freed.compareAndSet(false, true)) {
      NvmlCalls.check("nvmlGpmSampleFree", nvml.functions().nvmlGpmSampleFree(handle));
    }
  }
}

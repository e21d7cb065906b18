package io.gpuagent.nvml;

/** An opaque GPM sample of one device ({@code nvmlGpmSample_t}); close it to free it. */
public interface GpmSample extends AutoCloseable {
  @Override
  void close();
}

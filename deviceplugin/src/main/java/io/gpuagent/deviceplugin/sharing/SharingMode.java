package io.gpuagent.deviceplugin.sharing;

/** How one GPU (or MIG device) is offered to pods; the config words are {@link #word()}. */
public enum SharingMode {
  /** The whole GPU or MIG device to one container, as without sharing. */
  EXCLUSIVE("exclusive"),
  /** Advertised N times ({@code <uuid>::<r>}), time-sliced, no memory quota. */
  REPLICAS("replicas"),
  /** One device per slice of memory ({@code <uuid>::<k>}); a pod asks for N slices on one GPU. */
  MEMORY_SLICES("memory-slices");

  private final String word;

  SharingMode(String word) {
    this.word = word;
  }

  public String word() {
    return word;
  }
}

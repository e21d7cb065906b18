package io.gpuagent.deviceplugin.sharing;

/**
 * One GPU or MIG device that the sharing plan splits into shares: its UUID (GPU or MIG), how it is
 * split, how its quota is enforced, the bytes of one slice (0 for replicas), how many shares it
 * offers, and the resource name they are advertised under.
 */
public record SharedDevice(
    String uuid,
    SharingMode mode,
    Enforcement enforcement,
    long sliceBytes,
    int shares,
    String resource) {

  public SharedDevice {
    if (mode == SharingMode.EXCLUSIVE) {
      throw new IllegalArgumentException("an exclusive device is not shared: " + uuid);
    }
    if (shares < 1 || sliceBytes < 0 || (mode == SharingMode.MEMORY_SLICES) != (sliceBytes > 0)) {
      throw new IllegalArgumentException(
          "bad share of " + uuid + ": shares=" + shares + " sliceBytes=" + sliceBytes);
    }
  }

  /** The memory quota of a holder of {@code count} shares; none (0) for replicas. */
  public long quotaBytes(int count) {
    return sliceBytes * count;
  }

  public ShareId share(int index) {
    if (index < 0 || index >= shares) {
      throw new IllegalArgumentException(uuid + " has no share " + index);
    }
    return new ShareId(uuid, index);
  }
}

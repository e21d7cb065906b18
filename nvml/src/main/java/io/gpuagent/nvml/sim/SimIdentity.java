package io.gpuagent.nvml.sim;

import java.util.HexFormat;

/**
 * UUIDs and serial numbers that look like real ones and are stable: a hash of the profile, the
 * seed, the node name and the device's position. The same node comes back with the same ids after a
 * restart (the kubelet's checkpoint relies on that); two nodes never share one. The hash is two
 * 64-bit FNV-1a sums, each mixed by SplitMix64's finalizer, not a message digest: a digest loads
 * the JDK's security providers (~60 classes and their tables) that the agent on a real node never
 * loads, and the simulated agent is where its footprint is measured.
 */
final class SimIdentity {
  private static final long FNV_OFFSET = 0xCBF29CE484222325L;
  private static final long SECOND_OFFSET = 0x84222325CBF29CE4L;
  private static final long FNV_PRIME = 0x100000001B3L;

  private final String profile;
  private final long seed;
  private final String nodeName;

  SimIdentity(String profile, long seed, String nodeName) {
    this.profile = profile;
    this.seed = seed;
    this.nodeName = nodeName;
  }

  /** {@code GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}. */
  String gpuUuid(int gpuIndex) {
    return "GPU-" + uuidBody("gpu/" + gpuIndex);
  }

  /** {@code MIG-…} for the compute instance {@code ci} of GPU instance {@code gi}. */
  String migUuid(int gpuIndex, int gi, int ci) {
    return "MIG-" + uuidBody("mig/" + gpuIndex + "/" + gi + "/" + ci);
  }

  /** A 13-digit board serial, as datacenter boards carry. */
  String serial(int gpuIndex) {
    long value = hash("serial/" + gpuIndex, FNV_OFFSET);
    return "132" + String.format("%010d", Math.floorMod(value, 10_000_000_000L));
  }

  private String uuidBody(String what) {
    HexFormat hexFormat = HexFormat.of();
    String hex =
        hexFormat.toHexDigits(hash(what, FNV_OFFSET))
            + hexFormat.toHexDigits(hash(what, SECOND_OFFSET));
    return hex.substring(0, 8)
        + "-"
        + hex.substring(8, 12)
        + "-"
        + hex.substring(12, 16)
        + "-"
        + hex.substring(16, 20)
        + "-"
        + hex.substring(20, 32);
  }

  private long hash(String what, long offset) {
    String key = profile + "\n" + seed + "\n" + nodeName + "\n" + what;
    long sum = offset;
    for (int i = 0; i < key.length(); i++) {
      sum = (sum ^ key.charAt(i)) * FNV_PRIME;
    }
    return SplitMix64.mix(sum);
  }
}
